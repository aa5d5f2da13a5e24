package jobs

import "testing"

// The LastError texts are the ones the real sender and outbox write (see
// wechat/sender.go's classify and cleanErr, outbox's dead letters).
func TestSendFailure(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"permanent failure: customer msg send error : errcode=43004 , errmsg=require subscribe rid: 6", "对方没关注公众号（可能已取消），请打电话告诉他（错误43004）"},
		{"permanent failure: send template error : errcode=40003 , errmsg=invalid openid", "对方不是本公众号的用户，请打电话告诉他（错误40003）"},
		{`{"errcode":45009,"errmsg":"reach max api daily quota limit"}`, "公众号今天的推送额度用完了，明天再重发（错误45009）"},
		{"customer msg send error : errcode=43117 , errmsg=Sending messages to this openid too frequently", "给这个人发得太频繁，稍后重发（错误43117）"},
		{"errcode=-1, errmsg=system error", "微信系统繁忙，稍后重发（错误-1）"},
		{"errcode=48002, errmsg=api blocked", "微信没收下，请告诉技术人员（错误48002）"},
		{"access token: get access_token error : errcode=40164 , errormsg=invalid ip 1.2.3.4, not in whitelist", "公众号设置有误，请告诉技术人员（错误40164）"},
		{"access token: Get \"https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=REDACTED\": context deadline exceeded", "连不上微信，稍后重发"},
		{"access token: get access_token error : invalid appid", "公众号设置有误，请告诉技术人员"},
		{`Post "https://api.weixin.qq.com/cgi-bin/message/custom/send?access_token=REDACTED": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, "连不上微信，稍后重发"},
		{"dial tcp 127.0.0.1:9: connect: connection refused", "连不上微信，稍后重发"},
		{"undecodable: invalid character 'x'", "这条通知的数据坏了，请删除，打电话告诉本人"},
		{"http post error : uri=https://api.weixin.qq.com/cgi-bin/message/custom/send , statusCode=502", "发送出错，请告诉技术人员"},
	} {
		if got := SendFailure(c.in); got != c.want {
			t.Errorf("SendFailure(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}
