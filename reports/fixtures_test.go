package reports

import (
	"time"

	"github.com/baogong/baogong/orders"
)

func rice(q int) orders.Line {
	return orders.Line{SKU: "RICE", Name: "大米", Qty: q, Unit: "袋", PriceFen: 5000}
}

func eggs(q int) orders.Line {
	return orders.Line{SKU: "EGG", Name: "鸡蛋", Qty: q, Unit: "盒", PriceFen: 1500}
}

func oil(q int) orders.Line {
	return orders.Line{SKU: "OIL", Name: "食用油", Qty: q, Unit: "桶", PriceFen: 6000}
}

// testPickList: grid 1 has building 3 (units 1 and 2) and building 12
// (no unit); grid 2 has building 5 unit 1.
func testPickList() orders.PickList {
	return orders.PickList{
		Supplier: "huimin",
		Day:      "2022-04-10",
		Totals:   []orders.Line{rice(3), eggs(5)},
		Grids: []orders.GridPick{
			{
				Grid:   "1",
				Totals: []orders.Line{rice(2), eggs(5)},
				Buildings: []orders.BuildingPick{
					{
						Building: "3",
						Totals:   []orders.Line{rice(2), eggs(2)},
						Units: []orders.UnitPick{
							{Unit: "1", Lines: []orders.Line{rice(1), eggs(2)}, Orders: 2},
							{Unit: "2", Lines: []orders.Line{rice(1)}, Orders: 1},
						},
					},
					{
						Building: "12",
						Totals:   []orders.Line{eggs(3)},
						Units:    []orders.UnitPick{{Unit: "", Lines: []orders.Line{eggs(3)}, Orders: 1}},
					},
				},
			},
			{
				Grid:   "2",
				Totals: []orders.Line{rice(1)},
				Buildings: []orders.BuildingPick{{
					Building: "5",
					Totals:   []orders.Line{rice(1)},
					Units:    []orders.UnitPick{{Unit: "1", Lines: []orders.Line{rice(1)}, Orders: 1}},
				}},
			},
		},
	}
}

var shanghai = time.FixedZone("CST", 8*3600)

// testRoster: grid 1 at 09:00 Shanghai on 2022-04-10 (a Sunday), alice
// with two stops (one with a phone), bob with one, carol with none.
func testRoster() orders.Roster {
	return orders.Roster{
		Grid: "1",
		Slot: time.Date(2022, 4, 10, 1, 0, 0, 0, time.UTC),
		Shares: []orders.Share{
			{Volunteer: "alice", Name: "林师傅", Stops: []orders.Stop{
				{Seq: 1, OrderID: "101", Address: orders.Address{Building: "3", Unit: "2", Room: "501"}, Lines: []orders.Line{rice(1), eggs(2)}, Supplier: "huimin"},
				{Seq: 2, OrderID: "102", Address: orders.Address{Building: "3", Unit: "2", Room: "602"}, Lines: []orders.Line{rice(2), oil(1)}, Contact: "13812345678", Supplier: "huimin"},
			}},
			{Volunteer: "bob", Name: "王姐", Stops: []orders.Stop{
				{Seq: 1, OrderID: "103", Address: orders.Address{Building: "12", Room: "101"}, Lines: []orders.Line{eggs(1)}, Supplier: "huimin"},
			}},
			{Volunteer: "carol", Stops: []orders.Stop{}},
		},
	}
}
