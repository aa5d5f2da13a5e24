package orders

import (
	"testing"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/zh"
)

// TestIsCry reads real lockdown messages both ways, as the bot reads them
// (folded: traditional characters, full-width letters): a cry for help
// must never be taken for an order, and an everyday order must not be
// taken for a cry.
func TestIsCry(t *testing.T) {
	cat, err := catalog.New(nil, []catalog.Item{
		{SKU: "KIT", Name: "急救包", Unit: "个"},
		{SKU: "NOODLE", Name: "挂面", Unit: "袋"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		cry  bool
	}{
		// Everyday words that held a cry word (a review of the new words).
		{"痛风发作了 布洛芬1盒", false},
		{"鼻炎发作", false},
		{"癫痫药没了", false},
		{"老毛病犯了 要胃药", false},
		{"送来的菜摔了", false},
		{"热得想死", false},
		{"家里有烟花", false},
		{"烟囱冒烟", false},
		// Still cries.
		{"癫痫发作了", true},
		{"心脏病犯了", true},
		{"哮喘发作 喘不上气", true},
		{"我想死", true},
		{"楼道里有烟", true},
		// Cries.
		{"救命 3栋9单元102的老人晕倒了", true},
		{"楼上3-9-201阿姨喘不上气", true},
		{"我妈摔倒了起不来了", true},
		{"快叫120", true},
		{"救命！我媽暈倒了", true},   // traditional
		{"我爸喘不過氣來了", true},   // traditional
		{"老伴中風了 嘴歪了", true},  // traditional 中風
		{"就命啊 我爸胸口疼", true},  // 就命: 救命 mistyped
		{"奶奶晕到了叫不醒", true},   // 晕到: 晕倒 mistyped
		{"爷爷摔到了 流血不止", true}, // 摔到: 摔倒 mistyped
		{"孩子高烧抽搐了", true},
		{"我老公心梗 快来人", true},
		{"外婆快不行了", true},
		{"我妈不行了", true},
		{"老人没气了", true},
		{"邻居大爷倒在地上", true},
		{"家里老人昏迷了", true},
		{"ＳＯＳ 我家老人不省人事", true},
		{"我不想活了", true},
		{"需要叫救护车", true},
		{"老人脑梗了 救救我们", true},
		{"已经打了120还没来", true},
		{"老人三天吃不下东西，快不行了", true},
		{"我们是中风险小区，我爸中风了", true}, // the area, then a person
		{"煤气没气了 老人也没气了", true},   // the gas, then a person
		{"手机不行了 我妈也不行了", true},   // the phone, then a person
		// Cries in words a frightened person uses that name no illness
		// (快来人), other ways to say one (喘不上来气, 跌倒, 喊不醒), and
		// the dangers of a locked-in winter (fire, gas): each was refused
		// as an order before.
		{"快来人啊", true},
		{"来人呀 我爸倒了", true},
		{"快来救救我妈", true},
		{"救我", true},
		{"求救 3栋2单元502", true},
		{"家里出事了 快来", true},
		{"老伴喘不上来气了", true},
		{"我妈喘不过来气", true},
		{"气上不来了", true},
		{"呼吸不上来", true},
		{"奶奶跌倒了 头破了", true},
		{"老人摔伤了 腿动不了", true},
		{"我爸喊不醒", true},
		{"叫他没反应，怎么叫都叫不应", true},
		{"老伴晕了过去", true},
		{"我妈心脏不舒服 脸发白", true},
		{"心口疼得厉害", true},
		{"我爸突然说不出话 嘴歪了", true},
		{"孩子烫伤了 起了大泡", true},
		{"手上流了很多血", true},
		{"老人犯病了", true},
		{"我快死了", true},
		{"着火了", true},
		{"家里失火了", true},
		{"楼道起火 浓烟", true},
		{"快打119", true},
		{"煤气中毒 头晕想吐", true},
		{"家里煤气泄漏了", true},
		{"燃气泄露 好大的味", true},
		{"來人啊 救命", true},    // traditional
		{"快來人 我爸跌倒了", true}, // traditional
		// Review of the cries (rev-e): each was answered 没有找到 and
		// paged nobody.
		{"老伴摔了 起不来", true},
		{"我爸发高烧40度", true},
		{"孩子高烧抽筋", true},
		{"家里煤气味很大", true},
		{"闻到煤气味", true},
		{"厨房冒烟了", true},
		{"楼道里有烟", true},
		{"我血糖很低 头晕", true},
		{"我低血糖了 出冷汗", true},
		{"我心脏难受", true},
		{"胸闷 喘不动", true},
		{"老人不吃不喝两天了", true},
		{"我想死", true},
		{"我爸嘴唇发紫", true},
		{"我家老人心脏病犯了", true},
		{"哮喘犯了 喷雾用完了", true},
		{"老人吃错药了", true},
		{"有瓦斯味", true}, // 瓦斯: gas, in Taiwan and Fujian
		{"瓦斯外洩", true},
		{"真不想活", true},
		{"血压很高 头很晕", true},
		{"老人走丢了", true},
		{"我被困在电梯里了", true},
		{"困在电梯里了 快来人", true},
		{"充电器冒烟了", true}, // a thing smoking is a fire
		// Not cries.
		{"煤气灶打不着火了 鸡蛋1盒", false},
		{"电脑中毒了", false},
		{"手机出事了 屏幕碎了", false},
		{"手机快死了 没电了", false},
		{"急 挂面1袋", false},    // an order in a hurry
		{"急救包1个", false},     // goods
		{"我爸心脏病药吃完了", false}, // medicine running out is an order
		{"紧急 胰岛素1支", false},
		{"我们是中风险小区 蔬菜包1份", false},
		{"中風險小區 蔬菜包1份", false}, // traditional
		{"中风险地区什么时候解封", false},
		{"蔬菜包1份 煤气没气了", false},
		{"液化气罐没气了 能不能送一罐", false},
		{"电动车没气了", false},
		{"鸡蛋1盒 手机不行了打不了电话", false},
		{"网络不行了 发不了消息", false},
		{"冰箱快不行了", false},
		{"电话快没电了 信号也不行了", false},
		{"蔬菜包1份 放门口 厨房抽风机坏了", false},
		{"抽风扇坏了", false},
		{"你们是我们的救命恩人 谢谢", false},
		{"我爸中风后遗症 要买降压药", false},
		{"手机摔到地上了", false},
		{"120元的粮油包还有吗", false},
		{"手机摔了 屏幕碎了", false},
		{"送来的鸡蛋摔了好几个", false},
		{"嗓子冒烟了 要矿泉水", false},
		{"想死你们了 谢谢志愿者", false},
		{"被困在家里两个月了 蔬菜包1份", false},
		{"家里有烟吗", false},
		{"蔬菜包1份 老人行动不便 起不来床 放门口", false},
		{"胰岛素1支 我有低血糖要备着", false},
		{"布洛芬1盒 孩子发烧39度", false},
		{"孩子高烧 布洛芬1盒", false},
	} {
		if got := IsCry(cat, zh.Fold(tc.text)); got != tc.cry {
			t.Errorf("IsCry(%q) = %v, want %v", tc.text, got, tc.cry)
		}
	}
}

func TestIsFire(t *testing.T) {
	for text, fire := range map[string]bool{
		"着火了":        true,
		"家里煤气泄漏了 头晕": true,
		"楼道起火 浓烟":    true,
		"老人摔倒了":      false,
		"煤气灶打不着火了":   false,
		"煤气中毒 头晕想吐":  false, // poisoned: 120
		"家里煤气味很大":    true,
		"厨房冒烟了":      true,
		"楼道里有烟":      true,
		"有瓦斯味":       true,
	} {
		if got := IsFire(nil, zh.Fold(text)); got != fire {
			t.Errorf("IsFire(%q) = %v, want %v", text, got, fire)
		}
	}
}

func TestFindAddresses(t *testing.T) {
	got := FindAddresses("救命 3栋2单元502和3-2-601，还有3栋2单元502", nil, 3)
	if len(got) != 2 || got[0].String() != "3栋2单元502" || got[1].String() != "3栋2单元601" {
		t.Errorf("doors: %v", got)
	}
}
