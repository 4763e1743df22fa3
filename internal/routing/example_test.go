package routing_test

import (
	"fmt"

	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/routing"
)

func ExampleRouter_Route() {
	r, err := routing.New(&config.Config{
		Categories: []config.Category{
			{ID: "utilities", Name: "水电暖", Tier: "essential", LeadUnit: "logistics", Keywords: []string{"停电", "停水"}},
		},
		Routing: config.Routing{UrgentWords: []string{"着火", "漏电"}},
	})
	if err != nil {
		panic(err)
	}
	res := r.Route("东区3号楼停电了，插座还漏电")
	fmt.Println(res.Category, res.LeadUnit, res.Tier, res.Place)
	for _, reason := range res.Reasons {
		fmt.Println(reason)
	}
	// Output:
	// utilities logistics urgent 东区3号楼
	// category_keyword: keyword "停电" → category utilities
	// category_tier: category utilities → tier essential
	// urgent_word: urgent word "漏电" and no exception beside it: urgent in doubt → tier urgent (was essential)
	// place: place "东区3号楼" (pattern)
}
