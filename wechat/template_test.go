package wechat

import (
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
)

// TestLayoutFields: each part in its field, in the form the field's type
// takes: a date with its time, a phrase of Chinese only and cut without
// an ellipsis (not a word), an old template's keyword as text.
func TestLayoutFields(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	at := time.Date(2026, 11, 24, 7, 0, 0, 0, sh)
	b := orders.Brief{What: "配送任务3户", Where: "3栋2单元501", Status: "待配送OK!今天", Ref: "1001"}
	for _, c := range []struct {
		l    Layout
		want map[string]string
	}{
		{DefaultLayout, map[string]string{"thing1": "配送任务3户", "thing2": "3栋2单元501", "phrase3": "待配送今天", "time4": "2026年11月24日 07:00", "character_string5": "1001"}},
		{Layout{What: "thing3", Time: "date5"}, map[string]string{"thing3": "配送任务3户", "date5": "2026年11月24日 07:00"}},
		{Layout{What: "keyword1", Where: "keyword2", Status: "keyword3", Time: "keyword4", Ref: "keyword5"},
			map[string]string{"keyword1": "配送任务3户", "keyword2": "3栋2单元501", "keyword3": "待配送OK!今天", "keyword4": "2026年11月24日 07:00", "keyword5": "1001"}},
	} {
		got := c.l.Fields(b, at, sh)
		if len(got) != len(c.want) {
			t.Errorf("%+v: %v, want %v", c.l, got, c.want)
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%+v: %s = %q, want %q", c.l, k, got[k], v)
			}
		}
	}
	if got := (Layout{Status: "phrase1"}).Fields(orders.Brief{Status: "已经送到门口了"}, at, sh)["phrase1"]; got != "已经送到门" {
		t.Errorf("a long phrase: %q", got)
	}
}

// TestContentFields reads the fields of templates as the account's list
// gives them: old templates (first, keywordN, remark) and the library's
// (type and number), spaces inside the braces too.
func TestContentFields(t *testing.T) {
	for _, c := range []struct {
		content string
		want    string
	}{
		{"{{first.DATA}}\n商品名称：{{keyword1.DATA}}\n{{remark.DATA}}", "first keyword1 remark"},
		{"事项：{{thing8.DATA}}\n编号：{{character_string1.DATA}}\n电话：{{phone_number10.DATA}}", "thing8 character_string1 phone_number10"},
		{"时间：{{ time4.DATA }}\n结果：{ {result.DATA} }", "time4 result"},
		{"没有字段", ""},
	} {
		got := ContentFields(c.content)
		if s := strings.Join(got, " "); s != c.want {
			t.Errorf("%q: %q, want %q", c.content, s, c.want)
		}
	}
}
