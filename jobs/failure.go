package jobs

import (
	"regexp"
	"strconv"
	"strings"
)

// SendFailure says in staff's words why a notice could not be sent, from
// its LastError: the sender's error text, which carries WeChat's errcode
// ("permanent failure: customer msg send error : errcode=43004, errmsg=
// require subscribe…"). The code stays in brackets for whoever asks
// WeChat or the developers; the English never reaches the page.
func SendFailure(lastError string) string {
	if lastError == "" {
		return ""
	}
	if m := errcodeIn.FindStringSubmatch(lastError); m != nil {
		code, _ := strconv.Atoi(m[1])
		why := failureWords[code]
		if why == "" {
			why = textFailWeChat
		}
		return why + "（错误" + m[1] + "）"
	}
	low := strings.ToLower(lastError)
	switch {
	case strings.HasPrefix(low, "undecodable"):
		return textFailBroken
	case strings.Contains(low, "timeout"), strings.Contains(low, "deadline exceeded"),
		strings.Contains(low, "connection refused"), strings.Contains(low, "no such host"),
		strings.Contains(low, "connection reset"), strings.Contains(low, "eof"):
		return textFailNetwork
	}
	return textFailOther
}

var errcodeIn = regexp.MustCompile(`errcode"?\s*[=:]\s*(-?\d+)`)

// failureWords are WeChat's errcodes a push meets, as staff say them
// (see wechat/sender.go for what the sender does with each).
var failureWords = map[int]string{
	-1:    "微信系统繁忙，稍后重发",
	40001: "公众号凭证失效，请检查AppSecret",
	40014: "公众号凭证失效，请检查AppSecret",
	42001: "公众号凭证过期，稍后重发",
	40003: "对方不是本公众号的用户",
	40007: "图片或语音已过期",
	40008: "消息格式不对",
	40037: "模板ID不对，公众号后台没有这个模板",
	43004: "对方已取消关注公众号",
	43101: "对方拒收这类消息",
	44004: "消息是空的",
	45009: "公众号今天的推送额度用完了",
	43117: "公众号今天的推送额度用完了",
	45015: "对方48小时内没给公众号发过消息，微信不让推送",
	45047: "对方48小时内收的推送已满5条",
	47001: "消息内容不合微信的要求",
	47003: "模板内容太长或缺项",
}

const (
	textFailWeChat  = "微信拒收"
	textFailNetwork = "连不上微信，稍后重发"
	textFailBroken  = "这条通知的数据坏了，请删除"
	textFailOther   = "发送出错"
)
