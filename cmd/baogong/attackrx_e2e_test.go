package main

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/http/cookiejar"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/internal/wxsign"
)

// rxOrderWithPhoto has a resident order prescription medicine and send
// its photo, and returns the order number, the photo and the link the
// pharmacy's contact (ph-boss) got.
func rxOrderWithPhoto(t *testing.T, s *service) (id string, photo []byte, link string) {
	t.Helper()
	n := nonce()
	resident := "oRxA" + n
	photo = []byte("\xff\xd8\xff\xe0 prescription " + n)
	s.mustSay(resident, "绑定 3栋2单元501", "已绑定")
	got := s.mustSay(resident, "胰岛素1支", "处方")
	id = regexp.MustCompile(`\d{4,}`).FindString(got)
	media := "MEDIA-RX-" + n
	s.api.AddMedia(media, "image/jpeg", photo)
	s.send(true, wxsign.ImageXML("gh_e2e", resident, "http://mmbiz.qpic.cn/rx-"+n+".jpg", media, s.nextID(), s.now()))
	link = rxLinkRe.FindString(s.waitSent("ph-boss", "处方待核对"))
	if link == "" {
		t.Fatalf("the pharmacy's notice has no photo link of order %s", id)
	}
	return id, photo, link
}

var picklistHrefRe = regexp.MustCompile(`href="([^"]*/p/ph-renmin/[^"]*)"`)

// TestAttackRxStaffOpensPharmacyPicklist: the console's 任务 page links
// each supplier's pick list. Staff who open the pharmacy's list there and
// click 看照片 must see the photo as staff (by their session, audited
// under their name), not take the pharmacy's place: before, their browser
// became "the pharmacy's phone", the audit said the pharmacy looked, the
// pharmacy's own phone was refused, and anyone at that office browser
// could open the photo again without signing in.
func TestAttackRxStaffOpensPharmacyPicklist(t *testing.T) {
	s := clockedService(t, shAt(t, "2026-11-24 19:59:35"))
	id, photo, link := rxOrderWithPhoto(t, s)
	s.waitUntil(shAt(t, "2026-11-24 20:00:00"))
	if published, day := s.runJob("cutoff", ""); !published || day != "2026-11-24" {
		t.Fatalf("cutoff: published %v day %s", published, day)
	}

	staff := s.signInAs("e2e-admin")
	_, _, jobsPage := staff.get("/admin/jobs")
	m := picklistHrefRe.FindStringSubmatch(jobsPage)
	if m == nil {
		t.Fatalf("no pharmacy pick list link on the jobs page:\n%s", jobsPage)
	}
	_, _, list := staff.get(html.UnescapeString(m[1]))
	href := regexp.MustCompile(`<a href="([^"]+)"[^>]*>看照片`).FindStringSubmatch(list)
	if href == nil {
		t.Fatalf("no photo on the pharmacy's pick list opened from the console:\n%s", list)
	}
	photoLink := html.UnescapeString(href[1])
	if code, _, body := staff.get(photoLink); code != http.StatusOK || body != string(photo) {
		t.Errorf("staff open the photo from the pick list: HTTP %d", code)
	}

	// The pharmacy still opens its own link on its phone.
	jar, _ := cookiejar.New(nil)
	pharmacy := &http.Client{Jar: jar}
	if code, body, _ := openPhoto(t, pharmacy, link); code != http.StatusOK || !bytes.Equal(body, photo) {
		t.Errorf("the pharmacy's phone after staff looked from the console: HTTP %d %q", code, body)
	}

	// The view was staff's, and the office browser, signed out, sees no
	// photo.
	_, _, audit := staff.get("/admin/audit")
	pharmacyViews, staffViews := rxViewsBy(rxViewRows(audit, id))
	if pharmacyViews != 1 || staffViews != 1 {
		t.Errorf("audit: %d views by the pharmacy, %d by staff; want 1 and 1", pharmacyViews, staffViews)
	}
	staff.post("/admin/logout", nil)
	if code, _, body := staff.get(photoLink); code == http.StatusOK && body == string(photo) {
		t.Errorf("the office browser, signed out, opens the photo again")
	}
}

// TestAttackRxDeviceCookieSecure: behind an https public_url (TLS ended
// at a proxy that sends no X-Forwarded-Proto), the cookie that names the
// pharmacy's phone must be Secure, as the console's session is, so it
// never travels in clear text.
func TestAttackRxDeviceCookieSecure(t *testing.T) {
	s := clockedService(t, consoleDay)
	s.stop()
	cfg, _ := os.ReadFile(s.cfgPath)
	addr := strings.TrimPrefix(s.base, "http://")
	text := strings.Replace(string(cfg), `http: {addr: "`+addr+`"}`, `http: {addr: "`+addr+`", public_url: "https://bg.example.com"}`, 1)
	if text == string(cfg) {
		t.Fatalf("no http block to change in:\n%s", cfg)
	}
	os.WriteFile(s.cfgPath, []byte(text), 0o644)
	s.serve()
	s.wrote("vol-a", "sm-boss", "ph-boss")
	_, photo, link := rxOrderWithPhoto(t, s)
	code, body, h := openPhoto(t, nil, strings.Replace(link, "https://bg.example.com", s.base, 1))
	if code != http.StatusOK || !bytes.Equal(body, photo) {
		t.Fatalf("the pharmacy opens its link: HTTP %d", code)
	}
	c := h.Get("Set-Cookie")
	for _, want := range []string{"bg_device=", "HttpOnly", "Secure", "SameSite=Lax", "Path=/m/"} {
		if !strings.Contains(c, want) {
			t.Errorf("device cookie %q lacks %s", c, want)
		}
	}
}

// TestAttackRxViewsBounded: each view of a prescription photo is audited
// and the audit log keeps its newest entries only, so reloading a photo
// must not push every other entry out: the pharmacy's contact opens at
// most actions.RxViewsPerHour photos an hour (refused beyond, 429, not
// audited); refusals of a forwarded link do not use that up; and a HEAD,
// which shows nothing, is no view.
func TestAttackRxViewsBounded(t *testing.T) {
	s := clockedService(t, consoleDay)
	id, photo, link := rxOrderWithPhoto(t, s)
	jar, _ := cookiejar.New(nil)
	pharmacy := &http.Client{Jar: jar}
	// A forwarded link hammered on another phone first: refused, and
	// the pharmacy's hour is untouched.
	if code, _, _ := openPhoto(t, pharmacy, link); code != http.StatusOK {
		t.Fatalf("the pharmacy opens its link: HTTP %d", code)
	}
	for range 5 {
		if code, _, _ := openPhoto(t, nil, link); code != http.StatusForbidden {
			t.Fatalf("a forwarded link: HTTP %d, want 403", code)
		}
	}
	req, _ := http.NewRequest(http.MethodHead, link, nil)
	if resp, err := pharmacy.Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("HEAD of a photo: %v %v, want 405", resp, err)
	} else {
		resp.Body.Close()
	}
	for i := 1; i < actions.RxViewsPerHour; i++ {
		if code, body, _ := openPhoto(t, pharmacy, link); code != http.StatusOK || !bytes.Equal(body, photo) {
			t.Fatalf("view %d of %d: HTTP %d", i+1, actions.RxViewsPerHour, code)
		}
	}
	code, body, _ := openPhoto(t, pharmacy, link)
	if code != http.StatusTooManyRequests || bytes.Contains(body, photo) || !strings.Contains(string(body), "太多") {
		t.Errorf("view %d within the hour: HTTP %d %q, want 429 in words", actions.RxViewsPerHour+1, code, body)
	}
	staff := s.signInAs("e2e-admin")
	views := 0
	for from := 0; from < 1000; from += 100 { // the audit page lists 100 a page
		_, _, audit := staff.get(fmt.Sprintf("/admin/audit?from=%d", from))
		ph, _ := rxViewsBy(rxViewRows(audit, id))
		views += ph
	}
	if ph := views; ph != actions.RxViewsPerHour {
		t.Errorf("audit: %d views by the pharmacy, want %d (the views seen, nothing else)", ph, actions.RxViewsPerHour)
	}
}
