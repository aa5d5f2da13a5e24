package fakewechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/menu"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

const (
	appID     = "wxfake0000000001"
	appSecret = "s3cret"
)

// One fake and one server for the whole package: util.SetURIModifier is
// process-global, so it is set once here and tests must not run in parallel.
var (
	api *API
	srv *httptest.Server
)

func TestMain(m *testing.M) {
	api = New(appID, appSecret)
	srv = httptest.NewServer(api)
	util.SetURIModifier(func(u string) string {
		return strings.Replace(u, "https://api.weixin.qq.com", srv.URL, 1)
	})
	code := m.Run()
	srv.Close()
	os.Exit(code)
}

// fresh resets the fake and returns a client with its own token cache, so
// each test starts from "never fetched a token".
func fresh(t *testing.T) *officialaccount.OfficialAccount {
	t.Helper()
	api.Reset()
	api.InvalidateTokens()
	// The people these tests message wrote to the account just now, and
	// the account has the templates they use.
	for _, u := range []string{"oUser1", "oUser2", "oU", "warmup"} {
		api.Interact(u, true)
	}
	api.AddTemplate("T2", "T")
	api.AddTemplateFields("TPL_ORDER_READY", "first", "keyword1", "keyword2", "remark")
	return newClient(appSecret)
}

func newClient(secret string) *officialaccount.OfficialAccount {
	return officialaccount.NewOfficialAccount(&config.Config{
		AppID: appID, AppSecret: secret, Token: "tok", Cache: cache.NewMemory(),
	})
}

func sendText(oa *officialaccount.OfficialAccount, to, text string) error {
	return oa.GetCustomerMessageManager().Send(message.NewCustomerTextMessage(to, text))
}

func wantErrcode(t *testing.T, err error, code int) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("errcode=%d", code)) {
		t.Fatalf("err = %v, want errcode=%d", err, code)
	}
}

func TestCustomTextMessage(t *testing.T) {
	oa := fresh(t)
	before := time.Now()
	if err := sendText(oa, "oUser1", "您的包子已出锅 <热>&"); err != nil {
		t.Fatal(err)
	}
	if err := sendText(oa, "oUser2", "second"); err != nil {
		t.Fatal(err)
	}
	sent := api.Sent()
	if len(sent) != 2 {
		t.Fatalf("recorded %d messages, want 2", len(sent))
	}
	s := sent[0]
	if s.Kind != "custom" || s.ToUser != "oUser1" || s.Text != "您的包子已出锅 <热>&" || s.At.Before(before) {
		t.Errorf("recorded %+v", s)
	}
	var raw map[string]any
	if err := json.Unmarshal(s.Raw, &raw); err != nil || raw["msgtype"] != "text" {
		t.Errorf("Raw = %s (%v)", s.Raw, err)
	}
	if got := api.SentTo("oUser2"); len(got) != 1 || got[0].Text != "second" {
		t.Errorf("SentTo(oUser2) = %+v", got)
	}
	if api.TokenFetches() != 1 {
		t.Errorf("TokenFetches = %d, want 1 (the client caches its token)", api.TokenFetches())
	}
	// Copies: changing what Sent returned must not change the record.
	sent[0].Raw[0] = 'X'
	if api.Sent()[0].Raw[0] != '{' {
		t.Error("Sent returned shared memory")
	}
}

func TestOtherCustomTypesAreDescribed(t *testing.T) {
	oa := fresh(t)
	api.AddMedia("MEDIA9", "image/jpeg", sampleJPEG)
	if err := oa.GetCustomerMessageManager().Send(message.NewCustomerImgMessage("oU", "MEDIA9")); err != nil {
		t.Fatal(err)
	}
	if got := api.Sent()[0].Text; got != "[image media_id=MEDIA9]" {
		t.Errorf("Text = %q", got)
	}
}

func TestTemplateMessage(t *testing.T) {
	oa := fresh(t)
	id, err := oa.GetTemplate().Send(&message.TemplateMessage{
		ToUser:     "oUser1",
		TemplateID: "TPL_ORDER_READY",
		URL:        "https://baogong.example/orders/42",
		Data: map[string]*message.TemplateDataItem{
			"first":    {Value: "订单已完成"},
			"keyword1": {Value: "B-42"},
			"remark":   {Value: "趁热吃", Color: "#173177"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := oa.GetTemplate().Send(&message.TemplateMessage{ToUser: "oUser1", TemplateID: "T2"})
	if err != nil {
		t.Fatal(err)
	}
	if id <= 0 || id2 == id {
		t.Errorf("msgids %d, %d: want distinct positive ids", id, id2)
	}
	s := api.SentTo("oUser1")[0]
	// As the person sees it: the template's fields in its order, the one
	// the data left out blank.
	want := "first: 订单已完成\nkeyword1: B-42\nkeyword2: \nremark: 趁热吃"
	if s.Kind != "template" || s.TemplateID != "TPL_ORDER_READY" || s.URL != "https://baogong.example/orders/42" || s.Text != want ||
		len(s.Blank) != 1 || s.Blank[0] != "keyword2" {
		t.Errorf("recorded %+v", s)
	}
}

func TestMenu(t *testing.T) {
	oa := fresh(t)
	if _, err := oa.GetMenu().GetMenu(); err == nil || !strings.Contains(err.Error(), "46003") {
		t.Fatalf("GetMenu before create: %v, want errcode 46003", err)
	}
	buttons := []*menu.Button{
		menu.NewClickButton("今日菜单", "MENU_TODAY"),
		menu.NewSubButton("我的", []*menu.Button{
			menu.NewClickButton("我的订单", "MENU_ORDERS"),
			menu.NewViewButton("官网", "https://baogong.example/"),
		}),
	}
	if err := oa.GetMenu().SetMenu(buttons); err != nil {
		t.Fatal(err)
	}
	var stored struct {
		Button []menu.Button `json:"button"`
	}
	if err := json.Unmarshal(api.Menu(), &stored); err != nil {
		t.Fatal(err)
	}
	if len(stored.Button) != 2 || stored.Button[0].Key != "MENU_TODAY" || stored.Button[1].SubButtons[1].URL != "https://baogong.example/" {
		t.Errorf("stored menu %s", api.Menu())
	}
	got, err := oa.GetMenu().GetMenu()
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Menu.Button) != 2 || got.Menu.Button[1].SubButtons[0].Key != "MENU_ORDERS" {
		t.Errorf("GetMenu = %+v", got.Menu)
	}

	// Menus the real API refuses are refused here, and the old one stays.
	tooMany := []*menu.Button{
		menu.NewClickButton("a", "A"), menu.NewClickButton("b", "B"),
		menu.NewClickButton("c", "C"), menu.NewClickButton("d", "D"),
	}
	err = oa.GetMenu().SetMenu(tooMany)
	var ce *util.CommonError
	if !errors.As(err, &ce) || ce.ErrCode != 40016 {
		t.Errorf("four buttons: %v, want errcode 40016", err)
	}
	if err := oa.GetMenu().SetMenu([]*menu.Button{{Type: "click", Name: "no key"}}); err == nil {
		t.Error("click button without key accepted")
	}
	if !bytes.Contains(api.Menu(), []byte("MENU_TODAY")) {
		t.Errorf("refused menu replaced the stored one: %s", api.Menu())
	}
	if err := oa.GetMenu().DeleteMenu(); err != nil || api.Menu() != nil {
		t.Errorf("DeleteMenu: %v, menu %s", err, api.Menu())
	}
}

func TestInvalidateTokens(t *testing.T) {
	oa := fresh(t)
	if err := sendText(oa, "oU", "1"); err != nil {
		t.Fatal(err)
	}
	api.InvalidateTokens()
	// The client still holds the old token in its cache, exactly the
	// situation after an expiry the client did not see coming.
	wantErrcode(t, sendText(oa, "oU", "2"), 40001)
	_, err := oa.GetTemplate().Send(&message.TemplateMessage{ToUser: "oU", TemplateID: "T"})
	wantErrcode(t, err, 40001)
	if len(api.Sent()) != 1 {
		t.Errorf("recorded %d, want only the message sent before the expiry", len(api.Sent()))
	}
	// A client with a fresh cache fetches a new token and gets through.
	if err := sendText(newClient(appSecret), "oU", "3"); err != nil {
		t.Fatal(err)
	}
}

// TestNewTokenInvalidatesOld is the real API's rule that bites deployments
// with two processes fetching tokens independently.
func TestNewTokenInvalidatesOld(t *testing.T) {
	first := fresh(t)
	if err := sendText(first, "oU", "a"); err != nil {
		t.Fatal(err)
	}
	second := newClient(appSecret)
	if err := sendText(second, "oU", "b"); err != nil {
		t.Fatal(err)
	}
	wantErrcode(t, sendText(first, "oU", "c"), 40001)
	if api.TokenFetches() != 2 {
		t.Errorf("TokenFetches = %d, want 2", api.TokenFetches())
	}
}

func TestWrongSecret(t *testing.T) {
	fresh(t)
	wantErrcode(t, sendText(newClient("wrong"), "oU", "x"), 40125)
	if api.TokenFetches() != 0 || len(api.Sent()) != 0 {
		t.Errorf("fetches %d, sent %d after a refused token request", api.TokenFetches(), len(api.Sent()))
	}
}

func TestFailNext(t *testing.T) {
	for _, code := range []int{40001, 42001, 45015, 45047, -1} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			oa := fresh(t)
			api.FailNext(PathCustomSend, code, 2)
			wantErrcode(t, sendText(oa, "oU", "1"), code)
			wantErrcode(t, sendText(oa, "oU", "2"), code)
			if err := sendText(oa, "oU", "3"); err != nil {
				t.Fatalf("third send: %v", err)
			}
			if s := api.Sent(); len(s) != 1 || s[0].Text != "3" {
				t.Errorf("recorded %+v, want only the third message", s)
			}
		})
	}
	t.Run("token endpoint", func(t *testing.T) {
		oa := fresh(t)
		api.FailNext("cgi-bin/token", -1, 1) // path without leading slash works too
		wantErrcode(t, sendText(oa, "oU", "x"), -1)
		if api.TokenFetches() != 0 {
			t.Errorf("TokenFetches = %d after an injected failure", api.TokenFetches())
		}
		if err := sendText(oa, "oU", "y"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		oa := fresh(t)
		api.FailNext(PathCustomSend, 45015, 5)
		api.FailNext(PathCustomSend, 0, 0)
		if err := sendText(oa, "oU", "x"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("other paths unaffected", func(t *testing.T) {
		oa := fresh(t)
		api.FailNext(PathTemplateSend, 45047, 1)
		if err := sendText(oa, "oU", "x"); err != nil {
			t.Fatal(err)
		}
		_, err := oa.GetTemplate().Send(&message.TemplateMessage{ToUser: "oU", TemplateID: "T"})
		wantErrcode(t, err, 45047)
	})
}

// get and post call the fake directly, for what the library does not expose.
func get(t *testing.T, path string) map[string]any {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, resp)
}

func post(t *testing.T, path, body string) map[string]any {
	t.Helper()
	resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, resp)
}

func decode(t *testing.T, resp *http.Response) map[string]any {
	t.Helper()
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func errcode(m map[string]any) int {
	f, _ := m["errcode"].(float64)
	return int(f)
}

func TestTokenEndpoints(t *testing.T) {
	fresh(t)
	tokenPath := PathToken + "?grant_type=client_credential&appid=" + appID + "&secret=" + appSecret
	a := get(t, tokenPath)
	tokA, _ := a["access_token"].(string)
	if tokA == "" || a["expires_in"] != float64(7200) {
		t.Fatalf("token answer %v", a)
	}
	for q, code := range map[string]int{
		"?grant_type=client_credential&appid=" + appID + "&secret=nope":   40125,
		"?grant_type=client_credential&appid=wxother&secret=" + appSecret: 40013,
		"?grant_type=password&appid=" + appID + "&secret=" + appSecret:    40002,
	} {
		if got := errcode(get(t, PathToken+q)); got != code {
			t.Errorf("token%s: errcode %d, want %d", q, got, code)
		}
	}

	stable := func(force bool) string {
		t.Helper()
		m := post(t, PathStableToken, fmt.Sprintf(`{"grant_type":"client_credential","appid":%q,"secret":%q,"force_refresh":%v}`, appID, appSecret, force))
		tok, _ := m["access_token"].(string)
		if tok == "" {
			t.Fatalf("stable_token answer %v", m)
		}
		return tok
	}
	s1, s2 := stable(false), stable(false)
	if s1 != s2 || s1 == tokA {
		t.Errorf("stable tokens %q, %q (plain %q): want the same stable token, distinct from the plain one", s1, s2, tokA)
	}
	s3 := stable(true)
	if s3 == s1 {
		t.Error("force_refresh kept the old stable token")
	}
	// The stable token does not disturb the plain one, and vice versa;
	// a forced refresh retires the previous stable token.
	for tok, want := range map[string]int{tokA: 0, s3: 0, s1: 40001, "": 41001} {
		got := errcode(post(t, PathCustomSend+"?access_token="+tok, `{"touser":"oU","msgtype":"text","text":{"content":"x"}}`))
		if got != want {
			t.Errorf("send with token %.8q: errcode %d, want %d", tok, got, want)
		}
	}
	if api.TokenFetches() != 4 {
		t.Errorf("TokenFetches = %d, want 4 (one plain, three stable)", api.TokenFetches())
	}

	// A client configured for the stable token works against the fake.
	oa := officialaccount.NewOfficialAccount(&config.Config{
		AppID: appID, AppSecret: appSecret, Token: "tok", Cache: cache.NewMemory(), UseStableAK: true,
	})
	if err := sendText(oa, "oU", "via stable token"); err != nil {
		t.Fatal(err)
	}
}

func TestRequestValidation(t *testing.T) {
	fresh(t)
	tok, _ := get(t, PathToken+"?grant_type=client_credential&appid="+appID+"&secret="+appSecret)["access_token"].(string)
	send := PathCustomSend + "?access_token=" + tok
	for body, code := range map[string]int{
		`not json`: 47001,
		`{"msgtype":"text","text":{"content":"x"}}`:           40003,
		`{"touser":"oU","msgtype":"text"}`:                    40008,
		`{"touser":"oU","msgtype":"text","text":{}}`:          44004,
		`{"touser":"oU","msgtype":"","text":{"content":"x"}}`: 40008,
	} {
		if got := errcode(post(t, send, body)); got != code {
			t.Errorf("custom %s: errcode %d, want %d", body, got, code)
		}
	}
	tpl := PathTemplateSend + "?access_token=" + tok
	if got := errcode(post(t, tpl, `{"touser":"oU"}`)); got != 40037 {
		t.Errorf("template without id: errcode %d", got)
	}
	if got := errcode(get(t, send)); got != 43002 {
		t.Errorf("GET on a POST endpoint: errcode %d", got)
	}
	if len(api.Sent()) != 0 {
		t.Errorf("refused requests were recorded: %+v", api.Sent())
	}
	resp, err := http.Get(srv.URL + "/cgi-bin/nope")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: status %d", resp.StatusCode)
	}
}

func TestSetDelay(t *testing.T) {
	fresh(t)
	api.SetDelay(300 * time.Millisecond)
	defer api.SetDelay(0)

	client := &http.Client{Timeout: 50 * time.Millisecond}
	start := time.Now()
	_, err := client.Get(srv.URL + PathToken + "?grant_type=client_credential&appid=" + appID + "&secret=" + appSecret)
	if err == nil {
		t.Fatal("request finished despite the delay")
	}
	if time.Since(start) > 250*time.Millisecond {
		t.Errorf("client timeout took %v", time.Since(start))
	}

	// A patient caller gets the answer, no sooner than the delay.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+PathMenuGet+"?access_token=x", nil)
	start = time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if time.Since(start) < 300*time.Millisecond || !strings.Contains(string(body), "40001") {
		t.Errorf("after %v got %s", time.Since(start), body)
	}
}

// TestConcurrent drives the fake from many clients at once; run with -race.
func TestConcurrent(t *testing.T) {
	oa := fresh(t)
	if err := sendText(oa, "warmup", "x"); err != nil { // one token for all
		t.Fatal(err)
	}
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		api.Interact(fmt.Sprintf("o%d", i), true)
	}
	for i := 0; i < n; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- sendText(oa, fmt.Sprintf("o%d", i), fmt.Sprint(i))
		}()
		go func() {
			defer wg.Done()
			_ = api.Sent()
			_ = api.SentTo("o1")
			_ = api.TokenFetches()
			_ = api.Menu()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := len(api.Sent()); got != n+1 {
		t.Errorf("recorded %d, want %d", got, n+1)
	}
	if got := len(api.SentTo("o1")); got != 1 {
		t.Errorf("SentTo(o1) = %d, want 1", got)
	}
}

func TestRewriter(t *testing.T) {
	rw := Rewriter("http://127.0.0.1:9/")
	if got := rw("https://api.weixin.qq.com/cgi-bin/token?x=1"); got != "http://127.0.0.1:9/cgi-bin/token?x=1" {
		t.Errorf("rewrote to %q", got)
	}
	if got := rw("https://qyapi.weixin.qq.com/cgi-bin/gettoken"); got != "https://qyapi.weixin.qq.com/cgi-bin/gettoken" {
		t.Errorf("rewrote a foreign URL to %q", got)
	}
}
