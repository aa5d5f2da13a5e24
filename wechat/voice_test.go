package wechat

import (
	"context"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/wxsign"
)

// TestVoiceRecognition: a voice message reaches Answer with what speech
// recognition heard, in plain and safe mode; without recognition it comes
// with none.
func TestVoiceRecognition(t *testing.T) {
	got := make(chan Message, 1)
	c := newCallback(t, func(h *Handler) {
		h.Answer = func(_ context.Context, m Message) string { got <- m; return "ok" }
	})
	for i, safe := range []bool{false, true} {
		for _, heard := range []string{"我要两份蔬菜包。", ""} {
			id := int64(100 + i*2 + len(heard))
			body := wxsign.VoiceXML("gh_test", "o-user", "MEDIA-V", heard, id, time.Now())
			if st := c.post(t, safe, body, time.Now(), "nv"+heard); st != 200 {
				t.Fatalf("safe=%v: status %d", safe, st)
			}
			m := <-got
			if m.MsgType != "voice" || m.Recognition != heard || m.MediaID != "MEDIA-V" || m.MsgID != id || m.DedupeKey() == "" {
				t.Errorf("safe=%v: message %+v", safe, m)
			}
		}
	}
}
