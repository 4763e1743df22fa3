package wechat

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"
)

// The Official Account's menu limits (developers.weixin.qq.com, 自定义菜单
// 创建接口): at most 3 buttons, each with at most 5 sub-buttons; a name of
// at most 16 bytes (4 Chinese characters) on the bar and 60 bytes in a
// sub-menu; a key of at most 128 bytes; a link of at most 1024 bytes.
const (
	MaxMenuButtons    = 3
	MaxMenuSubButtons = 5
	MaxMenuNameBytes  = 16
	MaxMenuSubName    = 60
	MaxMenuKeyBytes   = 128
	MaxMenuURLBytes   = 1024
	menuTypeClick     = "click"
	menuTypeView      = "view"
	pathMenuCreate    = "/cgi-bin/menu/create"
	opMenuCreate      = "menu/create"
)

// ErrBadMenu is a menu WeChat would refuse; the error says which button.
var ErrBadMenu = errors.New("bad menu")

// MenuButton is one button of the Official Account's menu: a click button
// sends its Key to the callback; a view button opens its URL; a button
// with sub-buttons opens a sub-menu.
type MenuButton struct {
	Type       string       `json:"type,omitempty"`
	Name       string       `json:"name"`
	Key        string       `json:"key,omitempty"`
	URL        string       `json:"url,omitempty"`
	SubButtons []MenuButton `json:"sub_button,omitempty"`
}

// CheckMenu refuses a menu that breaks WeChat's limits, naming the button,
// so that a mistake is found before the account's menu is replaced.
func CheckMenu(buttons []MenuButton) error {
	if len(buttons) == 0 || len(buttons) > MaxMenuButtons {
		return fmt.Errorf("%w: %d buttons, want 1 to %d", ErrBadMenu, len(buttons), MaxMenuButtons)
	}
	for i, b := range buttons {
		where := fmt.Sprintf("button %d (%q)", i+1, b.Name)
		if err := checkMenuName(where, b.Name, MaxMenuNameBytes); err != nil {
			return err
		}
		if len(b.SubButtons) == 0 {
			if err := checkMenuAction(where, b); err != nil {
				return err
			}
			continue
		}
		if b.Type != "" || b.Key != "" || b.URL != "" {
			return fmt.Errorf("%w: %s opens a sub-menu and so takes no type, key or url", ErrBadMenu, where)
		}
		if len(b.SubButtons) > MaxMenuSubButtons {
			return fmt.Errorf("%w: %s has %d sub-buttons, want at most %d", ErrBadMenu, where, len(b.SubButtons), MaxMenuSubButtons)
		}
		for j, s := range b.SubButtons {
			sub := fmt.Sprintf("%s, sub-button %d (%q)", where, j+1, s.Name)
			if len(s.SubButtons) > 0 {
				return fmt.Errorf("%w: %s: a sub-menu cannot nest", ErrBadMenu, sub)
			}
			if err := checkMenuName(sub, s.Name, MaxMenuSubName); err != nil {
				return err
			}
			if err := checkMenuAction(sub, s); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkMenuName(where, name string, max int) error {
	if name == "" || !utf8.ValidString(name) {
		return fmt.Errorf("%w: %s needs a name", ErrBadMenu, where)
	}
	if len(name) > max {
		return fmt.Errorf("%w: %s: name is %d bytes, WeChat allows %d (%d Chinese characters)", ErrBadMenu, where, len(name), max, max/3)
	}
	return nil
}

func checkMenuAction(where string, b MenuButton) error {
	switch b.Type {
	case menuTypeClick:
		if b.Key == "" || len(b.Key) > MaxMenuKeyBytes {
			return fmt.Errorf("%w: %s: a click button needs a key of 1 to %d bytes", ErrBadMenu, where, MaxMenuKeyBytes)
		}
	case menuTypeView:
		if b.URL == "" || len(b.URL) > MaxMenuURLBytes {
			return fmt.Errorf("%w: %s: a view button needs a url of 1 to %d bytes", ErrBadMenu, where, MaxMenuURLBytes)
		}
	default:
		return fmt.Errorf("%w: %s: type %q, want %q or %q", ErrBadMenu, where, b.Type, menuTypeClick, menuTypeView)
	}
	return nil
}

// CreateMenu replaces the account's menu with buttons, after CheckMenu.
// Followers see the new menu the next time they open the chat (WeChat
// refreshes it at most every five minutes).
func (a *API) CreateMenu(ctx context.Context, buttons []MenuButton) error {
	if err := CheckMenu(buttons); err != nil {
		return err
	}
	_, err := a.Post(ctx, opMenuCreate, pathMenuCreate, map[string]any{"button": buttons})
	return err
}
