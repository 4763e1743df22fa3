package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jiesu/jiesu/bot/wechat"
	"github.com/jiesu/jiesu/internal/cache"
	"github.com/jiesu/jiesu/internal/clock"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/studentchat"
	"github.com/jiesu/jiesu/templates"
)

// errWeChatOff is a WeChat command run without the channel configured.
var errWeChatOff = errors.New("the WeChat channel is off: set wechat.app_id and wechat.app_secret")

// wechatMenu reads the menu jiesu creates on the Official Account and
// checks it against WeChat's limits and the keys the conversation answers.
func wechatMenu() ([]wechat.MenuButton, error) {
	var menu []wechat.MenuButton
	dec := json.NewDecoder(bytes.NewReader(templates.WeChatMenu))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&menu); err != nil {
		return nil, fmt.Errorf("templates/wechat_menu.json: %w", err)
	}
	if err := wechat.CheckMenu(menu); err != nil {
		return nil, fmt.Errorf("templates/wechat_menu.json: %w", err)
	}
	keys := studentchat.MenuKeys()
	for _, b := range menu {
		for _, s := range append([]wechat.MenuButton{b}, b.SubButtons...) {
			if s.Key != "" && !slices.Contains(keys, s.Key) {
				return nil, fmt.Errorf("templates/wechat_menu.json: button %q has key %q, which the conversation does not answer (it answers %v)", s.Name, s.Key, keys)
			}
		}
	}
	return menu, nil
}

// syncWeChatMenu creates the Official Account's menu. It shares the
// servers' token cache (Redis when configured): a token of its own would
// make WeChat retire the one the servers use.
func syncWeChatMenu(ctx context.Context, cfg *config.Config, env Env) error {
	if !cfg.WeChat.Enabled() || cfg.WeChat.AppSecret == "" {
		return errWeChatOff
	}
	menu, err := wechatMenu()
	if err != nil {
		return err
	}
	var c cache.Cache = cache.NewMemory(clock.Real{})
	if cfg.Redis.URL != "" {
		r, err := cache.NewRedis(ctx, cfg.Redis.URL, "jiesu:")
		if err != nil {
			return fmt.Errorf("redis (the shared token cache): %w", err)
		}
		defer r.Close()
		c = r
	}
	api := wechat.NewAPI(wechat.ConfigFrom(cfg.WeChat), c, nil)
	if err := api.CreateMenu(ctx, menu); err != nil {
		return err
	}
	for _, b := range menu {
		fmt.Fprintf(env.Stdout, "%s\t%s\n", b.Name, b.Key)
	}
	fmt.Fprintf(env.Stdout, "menu of %s created: followers see it the next time they open the chat\n", cfg.WeChat.AppID)
	return nil
}
