package orders

import (
	"slices"
	"strings"
)

// A message or a 接龙 line that names goods may ask about them instead of
// ordering them: 还有鸡蛋吗, 鸡蛋多少钱, 鸡蛋什么时候到. Such a one orders
// nothing, wherever it is written (a resident's message, a lead's line
// for a household, a 接龙 entry).

// questionWords mark a text that asks what there is rather than orders.
var questionWords = []string{"能不能", "有没有", "可不可以", "能买", "可以买", "卖不卖", "有吗", "吗", "?", "么"}

// priceWords ask what goods cost: 鸡蛋多少钱 is no order.
var priceWords = []string{"多少钱", "几块钱", "几钱", "多钱", "什么价", "啥价", "价格", "价钱", "贵不贵", "怎么卖"}

// arrivalWords ask when goods come (鸡蛋什么时候到, 菜怎么还没到), unless
// anyTimeWords say any time will do (什么时候送都行: a remark).
var (
	arrivalWords = []string{"什么时候", "啥时候", "几点", "哪天", "几号", "到了没", "到没到", "怎么还没", "还没到", "还没送"}
	anyTimeWords = []string{"都行", "都可以", "都好", "均可", "无所谓", "随便"}
)

// AsksWhen reports whether folded s asks when goods come.
func AsksWhen(s string) bool { return containsAny(s, arrivalWords) && !containsAny(s, anyTimeWords) }

// AsksPrice reports whether folded s asks what goods cost.
func AsksPrice(s string) bool { return containsAny(s, priceWords) }

// AsksWhat reports whether folded s is a question (能不能送点菜？).
func AsksWhat(s string) bool {
	return slices.ContainsFunc(questionWords, func(w string) bool { return strings.Contains(s, w) })
}

// Asks reports whether folded s, read as p, asks about the goods it names
// rather than orders them: their price, when they come, or whether there
// are any without saying how many (还有鸡蛋吗; 能帮我买两盒鸡蛋吗 orders).
func Asks(s string, p ItemParse) bool {
	return len(p.Items) > 0 && (AsksWhen(s) || AsksPrice(s) || AsksWhat(s) && len(p.Unsaid) > 0)
}
