package fakewechat

import (
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"time"
)

// medium is one file WeChat keeps: sent by a person, or uploaded.
type medium struct {
	data    []byte
	ctype   string
	expires time.Time
}

// sampleJPEG is a tiny valid JPEG, what a person's photo stands in for.
var sampleJPEG = []byte{
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0xff, 0xdb, 0x00, 0x43, 0x00, 0x08, 0x06, 0x06, 0x07, 0x06, 0x05, 0x08, 0x07, 0x07, 0x07, 0x09, 0x09, 0x08, 0x0a, 0x0c,
	0x14, 0x0d, 0x0c, 0x0b, 0x0b, 0x0c, 0x19, 0x12, 0x13, 0x0f, 0x14, 0x1d, 0x1a, 0x1f, 0x1e, 0x1d, 0x1a, 0x1c, 0x1c, 0x20,
	0x24, 0x2e, 0x27, 0x20, 0x22, 0x2c, 0x23, 0x1c, 0x1c, 0x28, 0x37, 0x29, 0x2c, 0x30, 0x31, 0x34, 0x34, 0x34, 0x1f, 0x27,
	0x39, 0x3d, 0x38, 0x32, 0x3c, 0x2e, 0x33, 0x34, 0x32, 0xff, 0xd9,
}

// sampleVoice is an AMR file standing in for what a person said: the AMR
// header and a few frames, different for each message.
func sampleVoice(msgID int64) []byte {
	b := []byte("#!AMR\n")
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], uint64(msgID))
	for i := 0; i < 8; i++ {
		b = append(b, 0x3c)
		b = append(b, id[:]...)
		b = append(b, make([]byte, 23)...)
	}
	return b
}

// AddMedia makes media id downloadable (/cgi-bin/media/get) for MediaLife,
// as a voice or photo a person sent.
func (a *API) AddMedia(id, contentType string, data []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.media[id] = &medium{data: append([]byte(nil), data...), ctype: contentType, expires: a.now().Add(MediaLife)}
}

func (a *API) addMediaIfNew(id, contentType string, data []byte) {
	if id == "" {
		return
	}
	a.mu.Lock()
	_, ok := a.media[id]
	a.mu.Unlock()
	if !ok {
		a.AddMedia(id, contentType, data)
	}
}

// Media returns media id's bytes while WeChat keeps it: what a person
// sent, or what the service uploaded (a voice it forwarded).
func (a *API) Media(id string) ([]byte, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	m := a.media[id]
	if m == nil || !a.now().Before(m.expires) {
		return nil, false
	}
	return append([]byte(nil), m.data...), true
}

// ExpireMedia makes media id expire at once, as three days later (what
// the person sent then is not sent again).
func (a *API) ExpireMedia(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if m := a.media[id]; m != nil {
		m.expires = time.Time{}
		return
	}
	a.media[id] = &medium{}
}

// Downloads counts successful /cgi-bin/media/get calls.
func (a *API) Downloads() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.downloads
}

func (a *API) serveMediaGet(w http.ResponseWriter, r *http.Request) {
	if !a.getWithToken(w, r) {
		return
	}
	data, ok := a.Media(r.URL.Query().Get("media_id"))
	if !ok {
		writeError(w, 40007)
		return
	}
	a.mu.Lock()
	ct := a.media[r.URL.Query().Get("media_id")].ctype
	a.downloads++
	a.mu.Unlock()
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.Write(data)
}

// serveMediaUpload keeps an uploaded file (multipart field "media") as
// temporary media and answers its id, as /cgi-bin/media/upload does.
func (a *API) serveMediaUpload(w http.ResponseWriter, r *http.Request) {
	if !a.postWithToken(w, r) {
		return
	}
	kind := r.URL.Query().Get("type")
	switch kind {
	case "voice", "image", "video", "thumb":
	default:
		writeError(w, 40004)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	f, _, err := r.FormFile("media")
	if err != nil {
		writeError(w, 41005)
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil || len(data) == 0 {
		writeError(w, 41005)
		return
	}
	a.mu.Lock()
	a.nextMsgID++
	id := fmt.Sprintf("up-%s-%d", kind, a.nextMsgID)
	a.mu.Unlock()
	ct := "audio/amr"
	if kind != "voice" {
		ct = "image/jpeg"
	}
	a.AddMedia(id, ct, data)
	writeJSON(w, map[string]any{"type": kind, "media_id": id, "created_at": a.now().Unix()})
}
