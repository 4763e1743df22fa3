package config_test

import (
	"fmt"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
)

func ExampleLoad() {
	// main passes os.LookupEnv; here the environment sets one key.
	env := map[string]string{"JIESU_LISTEN": ":9090"}
	c, err := config.Load("", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Server.Listen, c.TierLabel(cases.TierUrgent), c.Policy().Tiers[cases.TierUrgent].ResolveWithin)
	// Output: :9090 紧急事项 2h0m0s
}
