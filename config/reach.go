package config

import (
	"net/url"
	"strings"
	"time"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/wechat"
)

// Reaching people under WeChat's rules (docs/wechat-platform.md): the
// template each kind of notice falls back to outside a person's window,
// and the speech-to-text service for voices WeChat did not transcribe.

// Templates are template ids (from the official account's 模板消息 page)
// per kind of notice. A kind without one is held for the person's next
// message when their window is closed.
type Templates struct {
	Delivery     string `yaml:"delivery"`
	Roster       string `yaml:"roster"`
	Urgent       string `yaml:"urgent"`
	Binding      string `yaml:"binding"`
	Cancellation string `yaml:"cancellation"`
	Restock      string `yaml:"restock"`
	Picklist     string `yaml:"picklist"`
	Digest       string `yaml:"digest"`
}

// TemplateLayout names the fields of one template that show a notice's
// five parts, for a template whose fields are not thing1 (what), thing2
// (where), phrase3 (status), time4 (time) and character_string5 (ref): the
// account's 模板消息 page shows each template's fields, {{thing3.DATA}}
// and so on. A part left out is not sent.
type TemplateLayout struct {
	What   string `yaml:"what"`
	Where  string `yaml:"where"`
	Status string `yaml:"status"`
	Time   string `yaml:"time"`
	Ref    string `yaml:"ref"`
}

func (l TemplateLayout) parts() [][2]string {
	return [][2]string{{"what", l.What}, {"where", l.Where}, {"status", l.Status}, {"time", l.Time}, {"ref", l.Ref}}
}

// Layouts are the template layouts the config gives, by template id.
func (w WeChat) Layouts() map[string]wechat.Layout {
	out := map[string]wechat.Layout{}
	for id, l := range w.TemplateFields {
		out[strings.TrimSpace(id)] = wechat.Layout{What: strings.TrimSpace(l.What), Where: strings.TrimSpace(l.Where),
			Status: strings.TrimSpace(l.Status), Time: strings.TrimSpace(l.Time), Ref: strings.TrimSpace(l.Ref)}
	}
	return out
}

// ASR is a speech-to-text service with the OpenAI-compatible API (POST
// <url>/v1/audio/transcriptions, multipart "file" and "model"), such as
// whisper.cpp's server: voices WeChat sends without words are transcribed
// by it. Empty URL: none (such voices go to a person).
type ASR struct {
	URL string `yaml:"url"`
	// Model is the model field sent (default whisper-1).
	Model string `yaml:"model"`
	// Timeout bounds one transcription (default 2s: WeChat waits 5 s for
	// the whole answer).
	Timeout time.Duration `yaml:"timeout"`
	// Language is the language hint sent (default zh).
	Language string `yaml:"language"`
}

// TemplateIDs returns the configured template ids by template kind
// (orders.TplDelivery …), delivery_template_id standing for
// templates.delivery.
func (w WeChat) TemplateIDs() map[string]string {
	t := w.Templates
	if t.Delivery == "" {
		t.Delivery = w.DeliveryTemplateID
	}
	out := map[string]string{}
	for k, v := range map[string]string{
		orders.TplDelivery: t.Delivery, orders.TplRoster: t.Roster, orders.TplUrgent: t.Urgent,
		orders.TplBinding: t.Binding, orders.TplCancellation: t.Cancellation, orders.TplRestock: t.Restock,
		orders.TplPicklist: t.Picklist, orders.TplDigest: t.Digest,
	} {
		if v = strings.TrimSpace(v); v != "" {
			out[k] = v
		}
	}
	return out
}

// ASRTimeout is ASR.Timeout or its default.
func (a ASR) ASRTimeout() time.Duration {
	if a.Timeout > 0 {
		return a.Timeout
	}
	return 2 * time.Second
}

func (c *Config) validateReach(bad func(key, format string, args ...any)) {
	w := c.WeChat
	if w.DeliveryTemplateID != "" && w.Templates.Delivery != "" && w.DeliveryTemplateID != w.Templates.Delivery {
		bad("wechat.templates.delivery", "%q differs from wechat.delivery_template_id %q (its older name): keep one", w.Templates.Delivery, w.DeliveryTemplateID)
	}
	for k, v := range w.TemplateIDs() {
		if len(v) > 64 || strings.ContainsAny(v, " \t/?#") {
			bad("wechat.templates."+k, "%q is not a template id (copy it from the account's 模板消息 page)", v)
		}
	}
	used := map[string]bool{}
	for _, id := range w.TemplateIDs() {
		used[id] = true
	}
	for id, l := range w.TemplateFields {
		key := "wechat.template_fields." + id
		if !used[strings.TrimSpace(id)] {
			bad(key, "names no template of wechat.templates (the key is a template id)")
		}
		seen := map[string]string{}
		for _, p := range l.parts() {
			f := strings.TrimSpace(p[1])
			if problem := wechat.LayoutProblem(p[0], f); problem != "" {
				bad(key+"."+p[0], "%s", problem)
			}
			if other := seen[f]; f != "" && other != "" {
				bad(key+"."+p[0], "%s shows %s already: one field shows one part", f, other)
			}
			seen[f] = p[0]
		}
		if strings.TrimSpace(l.What) == "" {
			bad(key+".what", "missing: the field that says what happened (事项) is the one every notice needs")
		}
	}
	if u := c.ASR.URL; u != "" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			bad("asr.url", "%q is not an http(s) URL (the speech-to-text server, e.g. http://127.0.0.1:8178)", u)
		}
	}
	if t := c.ASR.Timeout; t < 0 || t > 4*time.Second {
		bad("asr.timeout", "%v: must be at most 4s (WeChat waits 5 s for the whole answer)", t)
	}
}
