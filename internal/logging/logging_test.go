package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"call 13900001111 now":         "call [电话] now",
		"order 1001 for 3栋2单元501":      "order 1001 for [地址]",
		"3号楼2单元502室 鸡蛋":                "[地址] 鸡蛋",
		"household 3-2-501: not found": "household [地址]: not found",
		"/api/households/3--501/marks": "/api/households/[地址]/marks",
		"slot 2026-11-24T07:00:00":     "slot 2026-11-24T07:00:00",
		"order 1001, 12345678901234":   "order 1001, 12345678901234",
		"POST /wechat":                 "POST /wechat",
		"３栋２单元５０１ 挂面":                  "[地址]挂面",
		"三栋二单元501":                     "[地址]",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestJSONLogsCarryRequestIDAndNoPersonalData: a request's log lines, in
// JSON, carry its id, and phone numbers and addresses are masked in the
// message, string attributes and errors alike.
func TestJSONLogsCarryRequestIDAndNoPersonalData(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, JSON, slog.LevelInfo)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /x/{hh}", func(w http.ResponseWriter, r *http.Request) {
		log.ErrorContext(r.Context(), "failed for 3栋2单元501", "phone", "13900001111", "err", errors.New("household 3-2-501 gone"))
		w.WriteHeader(http.StatusTeapot)
	})
	h := Middleware(log, mux)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/x/3-2-501?q=3栋2单元501", nil)
	req.Header.Set("X-Request-Id", "abc-123")
	h.ServeHTTP(rec, req)
	if rec.Header().Get("X-Request-Id") != "abc-123" {
		t.Errorf("response id %q", rec.Header().Get("X-Request-Id"))
	}
	out := buf.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		// Without the clock's fields: a time or a duration may hold
		// "501" by chance (…T09:30:18.501496934Z).
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		delete(rec, "time")
		delete(rec, "took")
		if b, _ := json.Marshal(rec); strings.Contains(string(b), "501") || strings.Contains(string(b), "13900001111") {
			t.Errorf("personal data in the log: %s", l)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("log:\n%s", out)
	}
	var access map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &access); err != nil {
		t.Fatal(err)
	}
	if access["request_id"] != "abc-123" || access["route"] != "GET /x/{hh}" || access["status"] != float64(418) {
		t.Errorf("access line %v", access)
	}
	if !strings.Contains(lines[0], `"request_id":"abc-123"`) {
		t.Errorf("handler line without request id: %s", lines[0])
	}
	// A bad id from outside is replaced.
	rec = httptest.NewRecorder()
	req = httptest.NewRequest("GET", "/x/1", nil)
	req.Header.Set("X-Request-Id", "<script>")
	h.ServeHTTP(rec, req.WithContext(context.Background()))
	if id := rec.Header().Get("X-Request-Id"); len(id) != 16 {
		t.Errorf("fresh id %q", id)
	}
}
