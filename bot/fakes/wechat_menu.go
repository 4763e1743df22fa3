package fakes

// WeChatPathMenu is the menu creation endpoint.
const WeChatPathMenu = "/cgi-bin/menu/create"

// The Official Account's menu errcodes (全局返回码).
const (
	FakeCodeMenuButtons    = 40016 // invalid button size
	FakeCodeMenuType       = 40017 // invalid button type
	FakeCodeMenuName       = 40018 // invalid button name size
	FakeCodeMenuKey        = 40019 // invalid button key size
	FakeCodeMenuURL        = 40020 // invalid button url size
	FakeCodeMenuSubButtons = 40023 // invalid sub button size
	FakeCodeMenuSubType    = 40024 // invalid sub button type
	FakeCodeMenuSubName    = 40025 // invalid sub button name size
	FakeCodeMenuSubKey     = 40026 // invalid sub button key size
	FakeCodeMenuSubURL     = 40027 // invalid sub button url size
)

// FakeMenuButton is a button of the menu the fake holds.
type FakeMenuButton struct {
	Type, Name, Key, URL string
	Sub                  []FakeMenuButton
}

// Menu returns the menu last created, or nil.
func (f *FakeWeChat) Menu() []FakeMenuButton {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FakeMenuButton(nil), f.menuButtons...)
}

// menu checks a menu as WeChat does (3 buttons of at most 16 bytes, 5
// sub-buttons of at most 60, keys of at most 128 bytes, links of at most
// 1024) and keeps it. The caller holds mu.
func (f *FakeWeChat) menu(body map[string]any) map[string]any {
	raw, _ := body["button"].([]any)
	if len(raw) == 0 || len(raw) > 3 {
		return errBody(FakeCodeMenuButtons)
	}
	var menu []FakeMenuButton
	for _, r := range raw {
		b, _ := r.(map[string]any)
		top := FakeMenuButton{Type: str(b, "type"), Name: str(b, "name"), Key: str(b, "key"), URL: str(b, "url")}
		if top.Name == "" || len(top.Name) > 16 {
			return errBody(FakeCodeMenuName)
		}
		subs, _ := b["sub_button"].([]any)
		if len(subs) == 0 {
			if code := checkMenuAction(top, FakeCodeMenuType, FakeCodeMenuKey, FakeCodeMenuURL); code != 0 {
				return errBody(code)
			}
		}
		if len(subs) > 5 {
			return errBody(FakeCodeMenuSubButtons)
		}
		for _, rs := range subs {
			s, _ := rs.(map[string]any)
			sub := FakeMenuButton{Type: str(s, "type"), Name: str(s, "name"), Key: str(s, "key"), URL: str(s, "url")}
			if sub.Name == "" || len(sub.Name) > 60 {
				return errBody(FakeCodeMenuSubName)
			}
			if code := checkMenuAction(sub, FakeCodeMenuSubType, FakeCodeMenuSubKey, FakeCodeMenuSubURL); code != 0 {
				return errBody(code)
			}
			top.Sub = append(top.Sub, sub)
		}
		menu = append(menu, top)
	}
	f.menuButtons = menu
	return map[string]any{"errcode": 0, "errmsg": "ok"}
}

func checkMenuAction(b FakeMenuButton, badType, badKey, badURL int64) int64 {
	switch b.Type {
	case "click", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album", "pic_weixin", "location_select":
		if b.Key == "" || len(b.Key) > 128 {
			return badKey
		}
	case "view":
		if b.URL == "" || len(b.URL) > 1024 {
			return badURL
		}
	default:
		return badType
	}
	return 0
}
