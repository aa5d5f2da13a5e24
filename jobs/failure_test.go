package jobs

import "testing"

func TestSendFailure(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"permanent failure: customer msg send error : errcode=43004 , errmsg=require subscribe rid: 6", "对方已取消关注公众号（错误43004）"},
		{"outside the customer-service window: customer msg send error : errcode=45015 , errmsg=response out of time limit", "对方48小时内没给公众号发过消息，微信不让推送（错误45015）"},
		{"template id refused: permanent failure: send template error : errcode=40037, errmsg=invalid template_id", "模板ID不对，公众号后台没有这个模板（错误40037）"},
		{`{"errcode":45009,"errmsg":"reach max api daily quota limit"}`, "公众号今天的推送额度用完了（错误45009）"},
		{"errcode=-1, errmsg=system error", "微信系统繁忙，稍后重发（错误-1）"},
		{"errcode=48001, errmsg=api unauthorized", "微信拒收（错误48001）"},
		{`Post "https://api.weixin.qq.com/cgi-bin/message/custom/send": context deadline exceeded`, "连不上微信，稍后重发"},
		{"dial tcp 127.0.0.1:9: connect: connection refused", "连不上微信，稍后重发"},
		{"undecodable: invalid character 'x'", "这条通知的数据坏了，请删除"},
		{"something odd", "发送出错"},
	} {
		if got := SendFailure(c.in); got != c.want {
			t.Errorf("SendFailure(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
