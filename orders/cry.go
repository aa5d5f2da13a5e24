package orders

import (
	"slices"
	"strings"

	"github.com/baogong/baogong/catalog"
)

// A cry for help (救命, 晕倒, 喘不上气 …) is not an order: someone's life may
// be at risk, and a person must read it now, whatever else the message
// holds, whoever sends it, and whichever door it names. 急 alone is not a
// cry: it asks for goods fast (an urgent order, see CutUrgent).

// cryWords are what people write when someone may be in danger, after
// zh.Fold (traditional characters and full-width letters are folded
// before; common slips of the input method are listed: 就命 for 救命, 晕到
// for 晕倒). Each alone makes a message a cry, unless it lies in one of
// notCry's phrases or follows one of thingsBefore's things.
var cryWords = slices.Concat([]string{
	"救命", "急救", "救救", "就命", "sos",
	"晕倒", "昏倒", "晕到了", "昏到了", "晕过去", "昏过去", "昏迷", "晕厥", "休克", "不省人事", "叫不醒", "没意识", "没反应了", "人不动了",
	"喘不上气", "喘不过气", "上不来气", "透不过气", "喘不了气", "呼吸困难", "不能呼吸", "呼吸不了", "没有呼吸", "没呼吸", "没气了", "窒息", "噎住",
	"胸口疼", "胸口痛", "胸痛", "心梗", "心脏病发", "心脏骤停", "中风", "脑梗", "脑溢血", "脑出血", "抽搐", "抽风",
	"摔倒", "摔到了", "摔了一跤", "倒在地上", "起不来了", "流血不止", "大出血", "吐血",
	"快不行了", "不行了", "不想活了", "活不下去了", "想不开", "自杀", "跳楼", "割腕",
	"打120", "叫120", "拨120", "打了120", "叫了120", "等120", "120急救", "救护车",
	// A frightened person may name no illness at all.
	"快来人", "来人啊", "来人呀", "来人哪", "救我", "求救", "出事了", "出大事了",
	// Other ways to say the same (喘不上来气, 跌倒, 喊不醒 …).
	"喘不上来", "喘不过来", "气上不来", "呼吸不上来", "跌倒", "摔伤", "喊不醒", "叫不应", "喊不应", "晕了过去", "昏了过去",
	"心脏不舒服", "心口疼", "心口痛", "心脏疼", "心脏痛", "心绞痛", "说不出话", "说不了话", "嘴歪",
	"烫伤", "烧伤", "流了很多血", "血流不止", "出血不止", "犯病了", "发病了", "快死了",
	"中毒",
	// Said by those who wrote them and were answered 没有找到 (an
	// order): a fall (老伴摔了 起不来), a heart (心脏难受, 胸闷), sugar
	// and pressure (血糖很低, 血压很高), a fever (发高烧40度), despair (我想死),
	// an old person who stopped eating, one lost, one stuck in a lift.
	// Not 起不来床 nor 低血糖 alone: how someone always is, a remark.
	// Not 高烧 alone: in a fever wave it is every other order of
	// medicine (and the team's pushes are few).
	"摔了", "头流血", "头破了", "没知觉", "没有知觉", "没有意识",
	"心脏难受", "胸口难受", "胸闷", "胸口闷", "低血糖了", "血糖很低", "血糖太低", "血糖特别低",
	"血压很高", "血压太高", "血压特别高", "血压好高", "血压高到", "血压飙", "血压降不下来", "血压下不来",
	"高烧40", "高烧41", "烧到40", "烧到41", "烧40度", "烧41度", "高烧不退", "高热不退", "高烧抽",
	// Not 发作, 癫痫 or 病犯了 alone: 鼻炎发作, 痛风发作, 癫痫药没了 and
	// 老毛病犯了 are orders of medicine.
	"心脏病犯了", "心脏病又犯了", "哮喘犯了", "哮喘发作", "癫痫发作", "癫痫犯了", "羊癫疯犯了", "羊癫疯发作", "吃错药", "药吃多了", "吃多了药", "喝农药", "喝了农药", "误服",
	"脸发紫", "嘴唇发紫", "嘴发紫", "想死", "不想活", "活不下去", "轻生", "不吃不喝", "走丢了", "走失", "困在电梯", "电梯困人", "家暴",
}, fireWords)

// notCry are everyday phrases that hold a cry word: the lockdown's 中风险
// (medium-risk area), a kitchen's 抽风机, thanks to a 救命恩人, a chronic
// 中风后遗症, a stove that will not light (打不着火).
var notCry = []string{
	"中风险", "抽风机", "抽风扇", "救命恩人", "救命之恩", "救命稻草", "中风后遗症", "急救箱", "急救包",
	"不着火",          // 煤气灶打不着火: the stove will not light
	"嗓子冒烟", "喉咙冒烟", // thirsty
	"想死你", "想死我", // missed
	"得想死",                           // 热得想死, 累得想死
	"烟囱冒烟", "烟囱在冒烟", "家里有烟花", "有烟花", // a chimney, fireworks
	"家里有烟吗", "家里有烟酒", // cigarettes
}

// thingsBefore lists, for cry words also said of things, the things: 煤气
// 没气了 (the gas ran out), 手机不行了 (the phone broke). Said of a person
// (我妈不行了, 老人没气了) they are cries.
var thingsBefore = map[string][]string{
	"没气了": gasAndTyres, "不行了": things, "快不行了": things, "摔到了": things,
	"快死了": things, "出事了": things, "摔了": things, "出大事了": things, "中毒": things, // 手机快死了, 电脑中毒了
}

var (
	gasAndTyres = []string{"煤气", "燃气", "天然气", "液化气", "气罐", "罐", "轮胎", "车胎", "胎", "车", "气球", "球"}
	things      = []string{
		"手机", "电话", "电脑", "网", "网络", "信号", "宽带", "路由器", "冰箱", "电视", "空调", "热水器", "洗衣机",
		"电池", "电瓶", "充电器", "车", "灯", "水管", "马桶", "灶", "电饭煲", "微波炉", "油烟机", "锁", "电梯",
		"机器", "插座", "电", "暖气", "打印机", "机",
		"碗", "杯子", "盘子", "瓶子", "蛋", "东西", "快递", "包裹", "箱子", // 送来的鸡蛋摔了
		"菜", "米", "油", "袋子", "罐子", // 送来的菜摔了
	}
	// thingFillers may stand between a thing and what is said of it: 手机快
	// 不行了, 冰箱好像也不行了.
	thingFillers = []string{"快", "也", "又", "都", "已经", "好像", "有点", "彻底", "完全", "突然", "估计", "的"}
)

// IsCry reports whether folded text s is a cry for help. Words inside a
// catalog item's name (急救包), in an everyday phrase (中风险小区) or said
// of a thing (煤气没气了) are not; anything else is, on purpose: a cry
// taken for an order may cost a life, an order taken for a cry costs a
// page.
func IsCry(cat *catalog.Catalog, s string) bool { return cries(cat, s, cryWords) }

// fireWords are the cry words of a fire or a gas leak: 119 is the call
// (120 for whoever is hurt).
// They are cry words too: a locked-in winter's dangers. A smell of gas
// (煤气味) or smoke (冒烟, 浓烟) is said before any fire is seen.
var fireWords = []string{"着火", "失火", "起火", "火灾", "打119", "叫119", "拨119",
	"煤气泄漏", "燃气泄漏", "天然气泄漏", "煤气泄露", "燃气泄露", "天然气泄露", "漏煤气", "漏燃气",
	"煤气味", "燃气味", "天然气味", "液化气味", "瓦斯味", "瓦斯泄", "瓦斯外泄", "瓦斯漏", "煤气外泄", "燃气外泄", "冒烟", "浓烟", "烟很大", "好大的烟", "楼道有烟", "楼道里有烟", "屋里有烟", "家里有烟"}

// IsFire reports whether folded text s cries for help about a fire or a
// gas leak (see IsCry).
func IsFire(cat *catalog.Catalog, s string) bool { return cries(cat, s, fireWords) }

// cries reports whether s holds one of words as a cry (see IsCry).
func cries(cat *catalog.Catalog, s string, words []string) bool {
	for _, w := range words {
		for from := 0; ; {
			i := strings.Index(s[from:], w)
			if i < 0 {
				break
			}
			at := from + i
			if !inItemName(cat, s, at, len(w)) && !inPhrase(s, at, len(w), notCry) && !ofThing(s[:at], thingsBefore[w]) {
				return true
			}
			from = at + len(w)
		}
	}
	return false
}

// inPhrase reports whether s[at:at+n] lies inside one of phrases written
// in s.
func inPhrase(s string, at, n int, phrases []string) bool {
	for _, p := range phrases {
		for from := 0; ; {
			j := strings.Index(s[from:], p)
			if j < 0 {
				break
			}
			start := from + j
			if start <= at && at+n <= start+len(p) {
				return true
			}
			from = start + len(p)
		}
	}
	return false
}

// ofThing reports whether before (the text before a cry word) ends with
// one of things, thingFillers aside. Food is no such thing: 吃不下东西，
// 快不行了 is a person.
func ofThing(before string, things []string) bool {
	if len(things) == 0 {
		return false
	}
	for trimmed := true; trimmed; {
		trimmed = false
		for _, f := range thingFillers {
			if rest, ok := strings.CutSuffix(before, f); ok {
				before, trimmed = rest, true
			}
		}
	}
	for _, t := range things {
		if strings.HasSuffix(before, t) {
			return true
		}
	}
	return false
}

// inItemName reports whether s[at:at+n] lies inside a catalog item's name
// or alias written in s.
func inItemName(cat *catalog.Catalog, s string, at, n int) bool {
	if cat == nil {
		return false
	}
	for i := range cat.Items {
		it := &cat.Items[i]
		if inPhrase(s, at, n, append([]string{it.Name}, it.Aliases...)) {
			return true
		}
	}
	return false
}

// FindAddresses returns the doors written in s (up to max), in order, each
// once: a cry names the door of the person in trouble, which may be a
// neighbour's (救命 3栋9单元102的老人晕倒了).
func FindAddresses(s string, known func(building string) bool, max int) []Address {
	var out []Address
	for len(out) < max {
		m, ok := FindAddress(s, known)
		if !ok {
			break
		}
		dup := false
		for _, a := range out {
			dup = dup || a == m.Address
		}
		if !dup {
			out = append(out, m.Address)
		}
		s = s[:m.Start] + " " + s[m.End:]
	}
	return out
}
