package main

import (
	"bytes"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/signedurl"
	"github.com/baogong/baogong/orders"
)

var rxLinkRe = regexp.MustCompile(`https?://\S+/m/rx:\S+`)

// openPhoto opens link in a browser (nil: one that never opened
// anything) and returns the status and body.
func openPhoto(t *testing.T, c *http.Client, link string) (int, []byte, http.Header) {
	t.Helper()
	if c == nil {
		c = &http.Client{}
	}
	resp, err := c.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body, resp.Header
}

// TestRxPhotoOnlyToPharmacyAndStaff: a prescription photo (health data,
// issue 21) opens only for the pharmacy contact it was sent to, on the
// phone that first opened it, and for staff in the console; each view is
// in the audit log naming the pharmacy or the staff member, never an
// openid. Everyone else who gets hold of a link (forwarded, rewritten,
// signed for someone else) gets a plain Chinese refusal.
func TestRxPhotoOnlyToPharmacyAndStaff(t *testing.T) {
	s := clockedService(t, consoleDay)
	other := "oRxOther" + nonce()
	s.mustSay(other, "绑定 3栋2单元502", "已绑定")
	id, photo, link := rxOrderWithPhoto(t, s)
	if !strings.Contains(link, "rx:"+id) {
		t.Fatalf("the pharmacy's notice has no photo link of order %s: %q", id, link)
	}
	if strings.Contains(link, "ph-boss") {
		t.Errorf("the link names the pharmacy contact's openid: %s", link)
	}

	// The pharmacy contact opens it on their phone, and again later.
	jar, _ := cookiejar.New(nil)
	pharmacy := &http.Client{Jar: jar}
	for i := range 2 {
		code, body, h := openPhoto(t, pharmacy, link)
		if code != http.StatusOK || !bytes.Equal(body, photo) {
			t.Fatalf("the pharmacy opens its link (%d): HTTP %d %q", i+1, code, body)
		}
		if h.Get("Cache-Control") != "private, no-store" || h.Get("Content-Type") != "image/jpeg" {
			t.Errorf("photo headers: %v", h)
		}
	}

	// The pick list's photo link is made for the contact too: their
	// phone opens it, the list forwarded does not.
	_, list := s.admin("GET", "/api/suppliers/ph-renmin/picklist?date="+consoleDay.Format(time.DateOnly)+"&format=html")
	listLink := rxLinkRe.FindString(html.UnescapeString(strings.ReplaceAll(string(list), `"`, " ")))
	if listLink == "" {
		t.Fatalf("no photo link on the pharmacy's pick list:\n%s", list)
	}
	if code, body, _ := openPhoto(t, pharmacy, listLink); code != http.StatusOK || !bytes.Equal(body, photo) {
		t.Errorf("the pharmacy opens the pick list's photo: HTTP %d", code)
	}
	if code, _, _ := openPhoto(t, nil, listLink); code != http.StatusForbidden {
		t.Errorf("the pick list's photo link forwarded: HTTP %d, want 403", code)
	}

	// Anyone else holding a link: the forwarded link itself, the link
	// signed again for the volunteer, the lead or another resident (as a
	// leak of the key would allow), the old unnamed link, a changed one.
	signer := &signedurl.Signer{Key: signedurl.DeriveKey(e2eAdmin, "baogong links v1"), Base: s.base}
	path := "/m/" + "rx:" + id
	forWhom := func(sup, viewer string) string {
		q := url.Values{}
		if sup != "" {
			q.Set("sup", sup)
			q.Set("v", orders.Pseudonym(viewer))
		}
		return signer.URL(path, q)
	}
	jarV, _ := cookiejar.New(nil)
	volunteer := &http.Client{Jar: jarV}
	refused := map[string]string{
		"a stranger with the pharmacy's link":         link,
		"the volunteer with the pharmacy's link":      link,
		"the link signed for the volunteer":           forWhom("ph-renmin", "vol-a"),
		"the link signed for the lead":                forWhom("ph-renmin", "e2e-lead-3"),
		"the link signed for another resident":        forWhom("ph-renmin", other),
		"the supermarket's contact":                   forWhom("sm-xinyi", "sm-boss"),
		"a signed link naming nobody (as before)":     forWhom("", ""),
		"the pharmacy's link with its viewer swapped": strings.Replace(link, "v="+orders.Pseudonym("ph-boss"), "v="+orders.Pseudonym("vol-a"), 1),
	}
	for who, l := range refused {
		c := volunteer
		if strings.HasPrefix(who, "a stranger") {
			c = nil
		}
		code, body, _ := openPhoto(t, c, l)
		if code != http.StatusForbidden || bytes.Contains(body, photo) || !strings.Contains(string(body), "处方照片") {
			t.Errorf("%s: HTTP %d %q, want 403 with a plain refusal", who, code, body)
		}
	}

	// Staff see it in the console, by the session, not by a link.
	staff := s.signInAs("e2e-admin")
	_, _, page := staff.get("/admin/orders/" + id)
	if !strings.Contains(page, "/admin/orders/"+id+"/rx-photo") || strings.Contains(page, "/m/rx:") {
		t.Errorf("the order page does not link the photo through the console:\n%s", page)
	}
	code, _, body := staff.get("/admin/orders/" + id + "/rx-photo")
	if code != http.StatusOK || body != string(photo) {
		t.Errorf("staff open the photo: HTTP %d %q", code, body)
	}
	if code, _, body := (&staffBrowser{t: t, s: s, c: &http.Client{}}).get("/admin/orders/" + id + "/rx-photo"); code == http.StatusOK && strings.Contains(body, "prescription") {
		t.Errorf("the console's photo opened without a session")
	}

	// The audit log: three views by the pharmacy (two by its message's link, one by its pick list's), one by staff, named by
	// who they are, never by openid.
	_, _, audit := staff.get("/admin/audit")
	rows := rxViewRows(audit, id)
	pharmacyViews, staffViews := rxViewsBy(rows)
	for _, r := range rows {
		for _, secret := range []string{"ph-boss", "e2e-admin", "3栋2单元501", "3-2-501"} {
			if strings.Contains(r, secret) {
				t.Errorf("the audit entry names %q: %s", secret, r)
			}
		}
	}
	if pharmacyViews != 3 || staffViews != 1 {
		t.Errorf("audit: %d views by the pharmacy, %d by staff; want 3 and 1:\n%s", pharmacyViews, staffViews, audit)
	}
	if strings.Contains(s.logs.String(), "ph-boss") {
		t.Errorf("the log names the pharmacy contact")
	}
}

// rxViewRows are the rows of the console's audit page that record a view
// of order id's prescription photo.
func rxViewRows(audit, id string) []string {
	var out []string
	for _, r := range regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(audit, -1) {
		if strings.Contains(r, "查看处方照片") && strings.Contains(r, ">"+id+"<") {
			out = append(out, r)
		}
	}
	return out
}

// rxViewsBy counts the views by the pharmacy (人民大药房) and by staff.
func rxViewsBy(rows []string) (pharmacy, staff int) {
	for _, r := range rows {
		switch {
		case strings.Contains(r, "药房 人民大药房"):
			pharmacy++
		case strings.Contains(r, "社区工作人员"):
			staff++
		}
	}
	return pharmacy, staff
}
