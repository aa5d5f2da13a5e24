package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
)

// moneyCatalog has one supplier of each way to pay: cash at the door,
// the lead's group collection, the supplier's payment code.
const moneyCatalog = `suppliers:
  - {id: sm, name: 新义超市, kind: supermarket, contact_openid: sm-boss}
  - {id: gp, name: 团购点, kind: supermarket, contact_openid: gp-boss, payment: group}
  - {id: qr, name: 奶站, kind: supermarket, payment: code, payment_code: "https://pay.example/qr.png"}
items:
  - {sku: VEG, name: 蔬菜包, category: vegetable, unit: 份, price_fen: 5000, stock: 1000, limit_per_household: 2, supplier: sm}
  - {sku: EGG, name: 鸡蛋, category: egg, unit: 盒, price_fen: 3000, supplier: gp}
  - {sku: MILK, name: 牛奶, category: dairy, unit: 箱, price_fen: 6000, supplier: qr}
`

// moneyService is the real binary with moneyCatalog, one volunteer in G1
// and staff, at consoleDay.
func moneyService(t *testing.T) *service {
	t.Helper()
	id := fmt.Sprintf("e2em%d", time.Now().UnixNano()%1e9)
	s := startServiceWith(t, fmt.Sprintf("{url: redis://%s/0}", redistest.Shared(t).Addr), fmt.Sprintf(`  - id: %s
    name: 幸福社区
    grids: [{id: G1, buildings: ["3"], volunteers: [vol-a]}]
    leads: [{openid: lead-3, buildings: ["3"]}]
    admins: [staff]
`, id))
	if err := os.WriteFile(filepath.Join(filepath.Dir(s.cfgPath), "catalog.yaml"), []byte(moneyCatalog), 0o644); err != nil {
		t.Fatal(err)
	}
	s.pin(consoleDay)
	s.serve()
	return s
}

// settlement reads GET /api/settlement as JSON.
func (s *service) settlement(supplier, day string) (st settlementJSON) {
	s.t.Helper()
	code, body := s.admin("GET", "/api/settlement?supplier="+supplier+"&date="+day)
	if code != 200 || json.Unmarshal(body, &st) != nil {
		s.t.Fatalf("settlement: %d %s", code, body)
	}
	return st
}

// settlementJSON is what a test reads of GET /api/settlement.
type settlementJSON struct {
	DeliveredFen int64            `json:"delivered_fen"`
	CollectedFen int64            `json:"collected_fen"`
	UnpaidFen    int64            `json:"unpaid_fen"`
	RefundDueFen int64            `json:"refund_due_fen"`
	RefundedFen  int64            `json:"refunded_fen"`
	Collectors   map[string]int64 `json:"collectors"`
	Rows         []struct {
		ValueFen int64 `json:"value_fen"`
	} `json:"rows"`
}

func (st settlementJSON) String() string {
	return fmt.Sprintf("delivered %d collected %d (%v) unpaid %d refund due %d refunded %d, %d rows",
		st.DeliveredFen, st.CollectedFen, st.Collectors, st.UnpaidFen, st.RefundDueFen, st.RefundedFen, len(st.Rows))
}

// TestPayments: a day with cash at the door, a lead's 群收款 list and a
// supplier's payment code; residents see where their money stands; the
// supplier's settlement adds up to the 台账.
func TestPayments(t *testing.T) {
	s := moneyService(t)
	for i, r := range []string{"r1", "r2", "r3", "r4"} {
		must(t, "bind", s.say(true, r, fmt.Sprintf("绑定 3栋1单元10%d", i+1)), "已绑定")
	}
	veg := idOf(t, must(t, "cash order", s.say(true, "r1", "蔬菜包1份"), "付款：送到时付给志愿者"))
	must(t, "group order", s.say(true, "r2", "鸡蛋1盒"), "付款：楼栋长在群里收款")
	must(t, "group order", s.say(true, "r3", "鸡蛋1盒"), "群收款")
	milk := idOf(t, must(t, "code order", s.say(true, "r4", "牛奶1箱"), "收款码：https://pay.example/qr.png"))
	must(t, "我的订单 before paying", s.say(true, "r1", "我的订单"), veg+"【待配送】蔬菜包1份 50元 未付")

	// The resident says they paid: 待确认 until staff confirm.
	must(t, "已付款", s.say(true, "r4", "已付款 "+milk), "待确认")
	must(t, "已付款 someone else's", s.say(true, "r1", "已付款 "+milk), "没有找到您家的订单")
	staff := s.signInAs("staff")
	if page := staff.post("/admin/orders/"+milk+"/paid", nil); !strings.Contains(page, "已记下收款") {
		t.Errorf("staff confirm: %s", page)
	}
	must(t, "我的订单 after staff confirmed", s.say(true, "r4", "我的订单"), "牛奶1箱 60元 已付")

	// The lead pastes the group's 群收款 list.
	got := s.say(true, "lead-3", "群收款\n1. 王 3-1-102 ￥30\n2. 李 3-1-103 ￥30\n3. 赵 3-1-104 ￥60")
	must(t, "群收款", got, "已记下收款：2单，共60元", "没有要收的钱", "3栋1单元104")

	// The day closes; the volunteer delivers and takes the cash.
	s.runJob("cutoff", "")
	s.runJob("picklist", "")
	s.runJob("roster", "")
	tasks := s.say(true, "vol-a", "任务")
	// Only the cash order says what to take at the door: the others were
	// paid to the lead or by the supplier's code.
	must(t, "任务", tasks, "3栋1单元101 蔬菜包1份，应收50元\n", "收了钱回复：完成 序号 已收款")
	if n := strings.Count(tasks, "应收"); n != 1 {
		t.Errorf("任务 asks for money %d times: %s", n, tasks)
	}
	stop := ""
	for _, line := range strings.Split(tasks, "\n") {
		if strings.Contains(line, "3栋1单元101") {
			stop = strings.TrimSpace(strings.SplitN(line, ".", 2)[0])
		}
	}
	if stop == "" {
		t.Fatalf("no stop for 3栋1单元101 in %q", tasks)
	}
	must(t, "a wrong amount", s.say(true, "vol-a", "完成 "+stop+" 已收40"), "送达", "收款没有记下", "应收50元")
	must(t, "我的订单 after a wrong amount", s.say(true, "r1", "我的订单"), "未付")
	must(t, "the right amount", s.say(true, "lead-3", "已收款 3-1-101"), "已记下收款：1单，共50元")
	must(t, "again", s.say(true, "lead-3", "已收款 3-1-101"), "没有记下收款", "没有要收的钱")

	day := consoleDay.Format(time.DateOnly)
	st := s.settlement("sm", day)
	if st.DeliveredFen != 5000 || st.CollectedFen != 5000 || st.UnpaidFen != 0 || len(st.Rows) != 1 {
		t.Errorf("sm's settlement: %s", st)
	}
	if st := s.settlement("gp", day); st.CollectedFen != 6000 || st.DeliveredFen != 0 {
		t.Errorf("gp's settlement: %s", st)
	}
	// The settlement agrees with the 台账: the delivered orders' amounts.
	code, raw := s.admin("GET", "/api/ledger?date="+day+"&format=csv")
	if code != 200 {
		t.Fatalf("ledger: %d", code)
	}
	if sum := ledgerDelivered(t, string(raw), "蔬菜包"); sum != st.DeliveredFen {
		t.Errorf("ledger's delivered 蔬菜包 %d fen, settlement %d", sum, st.DeliveredFen)
	}
	if code, body := s.admin("GET", "/api/settlement?supplier=sm&date="+day+"&format=xlsx"); code != 200 || len(body) < 100 {
		t.Errorf("settlement xlsx: %d", code)
	}
	if code, _ := s.admin("GET", "/api/settlement?supplier=nobody&date="+day); code != http.StatusBadRequest {
		t.Errorf("unknown supplier: %d", code)
	}
}

// ledgerDelivered adds up the amounts of the 台账's delivered rows whose
// goods name item.
func ledgerDelivered(t *testing.T, data, item string) int64 {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(data, "\ufeff")))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	var sum int64
	for _, row := range rows {
		if len(col) == 0 {
			for i, h := range row {
				col[h] = i
			}
			if _, ok := col["订单号"]; !ok {
				col = map[string]int{}
			}
			continue
		}
		amount, ok := col["金额（元）"]
		if !ok || len(row) <= amount || !strings.Contains(strings.Join(row, ","), item) || !strings.Contains(strings.Join(row, ","), "已送达") {
			continue
		}
		yuan, err := strconv.ParseFloat(row[amount], 64)
		if err == nil {
			sum += int64(yuan*100 + 0.5)
		}
	}
	return sum
}

// TestShortfall: the supermarket can pack 80 of 100 vegetable packs. The
// latest orders go without, marked households last; each household is
// told, its limit given back and money paid owed back; the volunteer's
// round and the pick list are sent again once; the same report again
// changes nothing, a smaller or impossible one is refused.
func TestShortfall(t *testing.T) {
	s := moneyService(t)
	// The volunteer wrote to the account today: pushes reach them.
	s.wrote("vol-a")
	var paste strings.Builder
	paste.WriteString("#接龙 3栋蔬菜包\n")
	for i := range 80 {
		fmt.Fprintf(&paste, "%d. 3-%d-%d01 蔬菜包1份\n", i+1, 2+i/20, 1+i%20)
	}
	must(t, "80 by the lead", s.say(true, "lead-3", paste.String()), "共80户")
	late := make([]string, 20)
	ids := map[string]string{}
	for i := range late {
		late[i] = fmt.Sprintf("late-%02d", i)
		must(t, "bind", s.say(true, late[i], fmt.Sprintf("绑定 3栋1单元%d", 101+i)), "已绑定")
		ids[late[i]] = idOf(t, s.say(true, late[i], "蔬菜包1份"))
	}
	// Three of the latest are elders living alone: they keep theirs.
	for _, i := range []int{19, 18, 5} {
		must(t, "mark", s.say(true, "lead-3", fmt.Sprintf("标记 3-1-%d 独居老人", 101+i)), "独居老人")
	}
	// Two paid already.
	must(t, "paid", s.say(true, "lead-3", "已收款 3-1-101 3-1-102"), "2单")
	s.runJob("cutoff", "")
	s.runJob("picklist", "")
	s.runJob("roster", "")

	must(t, "not the supplier", s.say(true, "gp-boss", "缺货 蔬菜包 20"), "只有供应这样东西的")
	must(t, "too many", s.say(true, "sm-boss", "缺货 蔬菜包 120"), "一共只有100", "没有登记")
	got := s.say(true, "sm-boss", "缺货 蔬菜包 20")
	must(t, "shortfall", got, "已登记", "蔬菜包缺20份", "已从20单里去掉", "已通知17户", "有3户没绑微信")

	// The 17 latest unmarked residents lost theirs, the elders did not.
	for i, r := range late {
		want := "【已取消】"
		if i == 19 || i == 18 || i == 5 {
			want = "【配送中】"
		}
		must(t, r+"'s orders", s.say(true, r, "我的订单"), ids[r]+want)
	}
	s.waitSent("late-00", "【缺货】抱歉，保供超市的蔬菜包不够")
	must(t, "refund owed", s.waitSent("late-00", "【缺货】"), "要退您50元")
	// The limit is back: the household may order two again tomorrow.
	must(t, "limit back", s.say(true, "late-03", "蔬菜包2份"), "下单成功")

	// The volunteer and the supplier hear once.
	s.waitSent("vol-a", "【任务有变】蔬菜包缺货，您这一轮有20户少送")
	s.waitSent("sm-boss", "【备货单更新】")
	must(t, "the same again", s.say(true, "sm-boss", "缺货 蔬菜包 20"), "和之前登记的一样，没有改动")
	must(t, "less", s.say(true, "sm-boss", "缺货 蔬菜包 10"), "不能改少")
	time.Sleep(300 * time.Millisecond) // let the outbox send anything queued by mistake
	if n := countSent(s, "vol-a", "【任务有变】"); n != 1 {
		t.Errorf("the volunteer was told %d times", n)
	}
	if n := countSent(s, "sm-boss", "【备货单更新】"); n != 1 {
		t.Errorf("the supplier was told %d times", n)
	}

	// Money owed back: listed in the settlement, given back once.
	day := consoleDay.Format(time.DateOnly)
	if st := s.settlement("sm", day); st.RefundDueFen != 10000 {
		t.Errorf("refunds due: %s", st)
	}
	must(t, "refunded", s.say(true, "lead-3", "已退款 "+ids["late-00"]), "退给住户50元")
	must(t, "refunded twice", s.say(true, "lead-3", "已退款 "+ids["late-00"]), "没有要退的钱")
	if st := s.settlement("sm", day); st.RefundDueFen != 5000 || st.RefundedFen != 5000 {
		t.Errorf("after one refund: %s", st)
	}
}

// countSent counts the messages to user at the fake API containing want.
func countSent(s *service, user, want string) int {
	n := 0
	for _, m := range s.api.SentTo(user) {
		if strings.Contains(m.Text, want) {
			n++
		}
	}
	return n
}

// stopOf is the stop number of door in a volunteer's 任务.
func stopOf(t *testing.T, tasks, door string) string {
	t.Helper()
	for _, line := range strings.Split(tasks, "\n") {
		if strings.Contains(line, door) {
			return strings.TrimSpace(strings.SplitN(line, ".", 2)[0])
		}
	}
	t.Fatalf("no stop for %s in %q", door, tasks)
	return ""
}

// TestSettlementAfterChanges: what the settlement says was collected is
// what people handed over, by whom, whatever happened to the orders
// after: a cut before the volunteer took the cash, a cut after the lead
// collected and staff gave the difference back, a paid order cancelled,
// an order of two suppliers paid at the door.
func TestSettlementAfterChanges(t *testing.T) {
	s := moneyService(t)
	for i, r := range []string{"r1", "r2", "r3", "r4"} {
		must(t, "bind", s.say(true, r, fmt.Sprintf("绑定 3栋1单元10%d", i+1)), "已绑定")
	}
	// Placed earliest first: the shortfall cuts the latest.
	cancelled := idOf(t, s.say(true, "r3", "蔬菜包1份"))
	mixed := s.say(true, "r4", "牛奶1箱 蔬菜包1份")
	must(t, "an order of two suppliers", mixed, "送到时付给志愿者")
	if strings.Contains(mixed, "收款码") {
		t.Errorf("one supplier's code asks for the other's money too:\n%s", mixed)
	}
	refunded := idOf(t, s.say(true, "r2", "蔬菜包2份"))
	must(t, "r1's order", s.say(true, "r1", "蔬菜包2份"), "下单成功")
	must(t, "the lead collects", s.say(true, "lead-3", "已收款 3-1-102 3-1-103"), "共150元")
	must(t, "a paid order cancelled", s.say(true, "r3", "取消 "+cancelled), "已付的50元会退给您")

	s.runJob("cutoff", "")
	s.runJob("picklist", "")
	s.runJob("roster", "")
	// The latest order (r1's) loses one; then, r1 marked, r2's loses one.
	must(t, "shortfall", s.say(true, "sm-boss", "缺货 蔬菜包 1"), "已从1单里去掉")
	must(t, "mark", s.say(true, "lead-3", "标记 3-1-101 独居老人"), "独居老人")
	must(t, "shortfall", s.say(true, "sm-boss", "缺货 蔬菜包 2"), "已从1单里去掉")
	tasks := s.say(true, "vol-a", "任务")
	must(t, "r1 pays for what came", s.say(true, "vol-a", "完成 "+stopOf(t, tasks, "3栋1单元101")+" 已收50"), "已记下收款50元")
	must(t, "r4 pays both suppliers at the door", s.say(true, "vol-a", "完成 "+stopOf(t, tasks, "3栋1单元104")+" 已收110"), "已记下收款110元")
	staff := s.signInAs("staff")
	if page := staff.post("/admin/orders/"+refunded+"/refunded", nil); !strings.Contains(page, "已记下退款") {
		t.Errorf("staff refund: %s", page)
	}

	day := consoleDay.Format(time.DateOnly)
	st := s.settlement("sm", day)
	// r1 50, r2 100 (50 given back), r3 50 (owed back), r4's 蔬菜包 50.
	if st.CollectedFen != 25000 || st.RefundDueFen != 5000 || st.RefundedFen != 5000 || st.UnpaidFen != 0 {
		t.Errorf("sm's settlement: %s", st)
	}
	if st.Collectors["楼栋长"] != 15000 || st.Collectors["志愿者或居民"] != 10000 || st.Collectors["社区工作人员"] != 0 {
		t.Errorf("who collected for sm: %v", st.Collectors)
	}
	if qr := s.settlement("qr", day); qr.CollectedFen != 6000 || qr.DeliveredFen != 6000 {
		t.Errorf("the dairy's settlement: %s", qr)
	}
}
