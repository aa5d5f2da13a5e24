package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
)

// TestAddStockSurvivesRestart: stock added at run time moves what is left
// and the total, refuses to go below nothing, and a restart with the same
// catalog (SetStock again) keeps it.
func TestAddStockSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	if _, _, err := s.PlaceOrder(ctx, order(t, cat, "501", time.Now(), veg(2)), "r1", nil); err != nil {
		t.Fatal(err)
	}
	left, err := s.AddStock(ctx, "VEG", 5)
	if err != nil || left != 13 {
		t.Fatalf("add: %d %v, want 13", left, err)
	}
	if _, err := s.AddStock(ctx, "VEG", -20); !errors.Is(err, orders.ErrInvalid) {
		t.Errorf("taking off more than left: %v", err)
	}
	if _, err := s.AddStock(ctx, "MED", 5); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("unlimited item: %v", err)
	}
	if err := s.SetStock(ctx, map[string]int{"VEG": 10, "EGG": 1000}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.StockLeft(ctx)
	totals, _ := s.StockTotals(ctx)
	if got["VEG"] != 13 || totals["VEG"] != 15 {
		t.Errorf("after restart: left %d total %d, want 13 and 15", got["VEG"], totals["VEG"])
	}
	was, err := s.StopSelling(ctx, "VEG")
	got, _ = s.StockLeft(ctx)
	if err != nil || was != 13 || got["VEG"] != 0 {
		t.Errorf("stop selling: was %d left %d %v", was, got["VEG"], err)
	}
}

func TestApplicationsPeopleAndJobRuns(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, 10)
	now := time.Now()
	for i, code := range []string{"2001", "2002"} {
		a := orders.Application{Code: code, OpenID: "u" + code, Grid: "G1", At: now.Add(time.Duration(i) * time.Second)}
		if _, err := s.Apply(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	s.DeleteApplication(ctx, "2001")
	apps, err := s.Applications(ctx)
	if err != nil || len(apps) != 1 || apps[0].Code != "2002" {
		t.Errorf("applications %+v %v", apps, err)
	}

	s.SetPerson(ctx, orders.Person{OpenID: "v1", Name: "小林", Phone: "13900001111"})
	s.SetPerson(ctx, orders.Person{OpenID: "v2", Name: "小陈"})
	s.SetPerson(ctx, orders.Person{OpenID: "v2"})
	people, err := s.People(ctx)
	if err != nil || len(people) != 1 || people["v1"].Name != "小林" {
		t.Errorf("people %+v %v", people, err)
	}

	for i := range 3 {
		r := orders.JobRun{Job: "roster", At: now.Add(time.Duration(i) * time.Minute), Published: i == 2}
		if err := s.SaveJobRun(ctx, r, i != 1); err != nil {
			t.Fatal(err)
		}
	}
	runs, _ := s.JobRuns(ctx, "roster", 10)
	last, _ := s.LastJobRuns(ctx)
	if len(runs) != 2 || !runs[0].Published || !last["roster"].Published {
		t.Errorf("runs %+v last %+v", runs, last)
	}

	s.Bind(ctx, orders.Binding{OpenID: "w1", Address: orders.Address{Building: "3", Unit: "2", Room: "501"}, Grid: "G1", At: now}, false)
	users, err := s.HouseholdsUsers(ctx, []string{"3-2-501", "3-2-502"})
	if err != nil || len(users) != 1 || users["3-2-501"][0] != "w1" {
		t.Errorf("household users %v %v", users, err)
	}
}
