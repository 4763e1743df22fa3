package render_test

import (
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/render"
	"github.com/jiesu/jiesu/templates"
)

func ExampleRenderer_Render() {
	r, err := render.New(templates.FS, "", render.Base{
		BaseURL: "https://jiesu.example.edu.cn",
		Units:   map[string]string{"logistics": "后勤管理处"},
	})
	if err != nil {
		panic(err) // a broken template stops the start
	}
	at := time.Date(2026, 11, 28, 9, 30, 0, 0, cases.Shanghai())
	m, err := r.Render("case_accepted", render.Data{
		Case:  cases.Case{Number: "JS20261128-0042", LeadUnit: "logistics", ContactBy: at.Add(2 * time.Hour), ResolveBy: at.Add(24 * time.Hour)},
		Extra: map[string]string{"member": "logistics-li", "member_name": "李老师"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.PlainText())
	fmt.Println(m.Kind, len(m.Fields), m.Actions[0].Label)
	// Output:
	// 已接单 JS20261128-0042
	// 已由 李老师 接单，首问负责。
	// 联系时限：2026-11-28 11:30
	// 办结时限：2026-11-29 09:30
	// https://jiesu.example.edu.cn/cases/JS20261128-0042
	// notice 2 查看详情
}
