package bot

import (
	"errors"

	"github.com/baogong/baogong/orders"
)

// deliveryReplies renders what is said about waiting lists (到货通知) and
// addresses outside their building's shape (TestReplyGolden).
func deliveryReplies() map[string]string {
	a := orders.Address{Building: "3", Unit: "9", Room: "501"}
	shape := &orders.ShapeError{Address: a, Reason: orders.Shape{Units: 4, Floors: 25}.Check(a)}
	return map[string]string{
		"wait_added":             textWaiting("鸡蛋", 3, true),
		"wait_already":           textWaiting("鸡蛋", 1, false),
		"wait_which":             textWaitWhich,
		"wait_in_stock":          textWaitInStock("鸡蛋", 5, "盒"),
		"wait_no_stock":          textWaitInStock("挂面", 0, "袋"),
		"bind_outside_shape":     textBindNotHere(shape, "", "3", []string{"3", "5"}),
		"bind_not_here_building": textBindNotHere(errors.New("building \"9\": not found"), "", "9", []string{"3", "5"}),
	}
}
