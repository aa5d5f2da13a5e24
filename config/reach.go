package config

import (
	"net/url"
	"strings"
	"time"

	"github.com/baogong/baogong/orders"
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
	if u := c.ASR.URL; u != "" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			bad("asr.url", "%q is not an http(s) URL (the speech-to-text server, e.g. http://127.0.0.1:8178)", u)
		}
	}
	if t := c.ASR.Timeout; t < 0 || t > 4*time.Second {
		bad("asr.timeout", "%v: must be at most 4s (WeChat waits 5 s for the whole answer)", t)
	}
}
