package secret

import (
	"strings"
	"testing"
	"time"
)

func TestTextMaskHidesNumbersAndTheName(t *testing.T) {
	t.Parallel()
	var m TextMask
	for _, tc := range []struct{ in, want string }{
		{"我的电话13800138000，请尽快联系", "我的电话138****8000，请尽快联系"},
		{"电话 138-0013-8000 张三", "电话 138****8000 张*"},
		{"手机：138 0013 8000", "手机：138****8000"},
		{"手机：１３８００１３８０００", "手机：138****8000"},
		{"手机：１３８－００１３－８０００。", "手机：138****8000。"},
		{"联系我+86 138 0013 8000谢谢", "联系我138****8000谢谢"},
		{"联系我＋８６１３８００１３８０００", "联系我138****8000"},
		{"国际格式0086-13800138000", "国际格式138****8000"},
		{"或者86 13800138000", "或者138****8000"},
		{"宿舍座机010-62781234", "宿舍座机010-****1234"},
		{"座机(010)62781234", "座机010-****1234"},
		{"座机（010）6278 1234", "座机010-****1234"},
		{"办公室0571-88881234-801有人", "办公室0571-****1234有人"},
		{"打01062781234", "打010-****1234"},
		{"本地号码62781234", "本地号码****1234"},
		{"身份证11010119900307123X", "身份证110***********123X"},
		{"身份证11010119900307123x，", "身份证110***********123X，"},
		{"身份证 110101 19900307 1234 丢了", "身份证 110***********1234 丢了"},
		{"身份证１１０１０１１９９００３０７１２３４", "身份证110***********1234"},
		{"老身份证110101900307123", "老身份证110********7123"},
		{"学号2021012345，宿舍6-312", "学号20******45，宿舍6-312"},
		{"银行卡6222 0212 3456 7890 123", "银行卡6222***********0123"},
		{"两个号码13800138000 13900139000", "两个号码138****8000 139****9000"},
		{"加我QQ 123456789", "加我QQ 12*****89"},
		{"手机138.0013.8000或138_0013_8000", "手机138****8000或138****8000"},
		{"电话13800138000x。座机62781234X", "电话138****8000x。座机****1234X"},
		{"手机13800138000号码不变，打010-62781234号", "手机138****8000号码不变，打010-****1234号"},
		{"外卖订单号 2612011234567890123456", "外卖订单号 26******************56"},
		{"王小明同学，王 小 明，WANG王小明", "王**同学，王**，WANG王**"},
		{"This is ALICE SMITH, alicesmith", "This is A*, A*"},
		{"我叫迪丽热巴迪力木拉提，迪丽热巴·迪力木拉提", "我叫迪*********，迪*********"},
	} {
		if got := m.Text(tc.in, "王小明", "张三", "Alice Smith", "迪丽热巴·迪力木拉提"); got != tc.want {
			t.Errorf("Text(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestTextMaskKeepsOrdinaryNumbers(t *testing.T) {
	t.Parallel()
	var m TextMask
	for _, in := range []string{
		"6号楼312房间从2026年11月28日晚上10点开始停水",
		"宿舍6-312的灯坏了，12月5日14:30报修过",
		"2026-11-28 14:30 食堂二楼收费多了3.5元",
		"押金2000000元一直没退",
		"校园卡充值了200元没到账，订单金额￥1200",
		"上次的诉求JS20261128-0042还没有处理",
		"20261128晚上停电",
		"第3教学楼201教室，周一1-2节，周三3-4节",
		"已经报修了3次，等了5天，共12个人",
		"房间号 6312，床位 4",
		"温度只有16度，晚上10-12点最冷",
		"电话是12345", // the city hotline, not a person
		"2026.11.28下午3.5小时没电，电费12.50元，见第1.2.3条",
		"2026/11/28 15:30 楼道灯",
		"打了80791234没人接", // the school's own hotline is masked like any local number
	} {
		got := m.Text(in, "李四")
		if in == "打了80791234没人接" {
			if got != "打了****1234没人接" {
				t.Errorf("Text(%q) = %q", in, got)
			}
			continue
		}
		if got != in {
			t.Errorf("Text(%q) = %q, want it unchanged", in, got)
		}
	}
}

func TestTextMaskStudentNumberPattern(t *testing.T) {
	t.Parallel()
	m, err := NewTextMask(`1[0-9]{7}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Text("学号12345678"); got != "学号12****78" {
		t.Errorf("school pattern: %q", got)
	}
	if got := (TextMask{}).Text("学号12345678"); got != "学号12345678" {
		t.Errorf("the default pattern took an 8-digit number: %q", got)
	}
	// A pattern that takes a room or a time is refused, not left to mask
	// (or, cutting a run shorter than its kept ends, to crash on) every
	// complaint with a room number in it.
	for _, p := range []string{`\d+`, `\d{3,10}`, `[0-9]*`} {
		if _, err := NewTextMask(p); err == nil || !strings.Contains(err.Error(), "would mask rooms") {
			t.Errorf("NewTextMask(%q) = %v, want a refusal", p, err)
		}
	}
	if _, err := NewTextMask(`(`); err == nil {
		t.Error("a broken pattern was accepted")
	}
}

func TestTextMaskHostileText(t *testing.T) {
	t.Parallel()
	var m TextMask
	long := strings.Repeat("1 ", 50000) + "13800138000"
	start := time.Now()
	got := m.Text(long)
	if !strings.HasSuffix(got, "138****8000") {
		t.Errorf("a phone after a long run of digits was not masked: …%s", got[len(got)-20:])
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("masking 100 kB of digits took %s", d)
	}
	for _, in := range []string{
		"<a href=\"tel:13800138000\">@所有人 13800138000</a>",
		"电话\x00138\u200b0013\u202e8000",
		"[点我](https://x.cn/?p=13800138000)",
	} {
		got := m.Text(in)
		if strings.Contains(got, "0013") {
			t.Errorf("Text(%q) = %q: the middle of the number shows", in, got)
		}
	}
}

// BenchmarkTextMask: what masking costs per case shown, on a typical
// complaint and on a letter of 5,000 characters.
func BenchmarkTextMask(b *testing.B) {
	typical := "我是王小明，学号2021012345，学生公寓6号楼312房间从12月5日晚上10点起停水，" +
		"已经报修3次没人来。电话138-0013-8000，宿舍座机010-62781234。"
	var m TextMask
	for name, s := range map[string]string{
		"typical": typical,
		"letter":  strings.Repeat(typical, 5000/len([]rune(typical))),
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.Text(s, "王小明")
			}
		})
	}
}

// Invisible characters cannot split a number or a name past the rule: they
// are dropped before it looks, as every outbound format drops them after,
// which used to join the parts again behind the mask. Wide gaps of spaces
// hold a number together too.
func TestTextMaskSeesThroughInvisibleCharacters(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"回电138\u200b\u200b\u200b\u200b0013\u200b8000",
		"回电1\u200d3\u200d8\u200d0\u200d0\u200d1\u200d3\u200d8\u200d0\u200d0\u200d0",
		"回电138    0013    8000",
		"回电\u202e13800138000",
		"我是张\u200b三，回电13800138000",
	} {
		got := TextMask{}.Text(in, "张三")
		if strings.Contains(got, "13800138000") || strings.Contains(got, "0013") || strings.Contains(got, "张三") || strings.Contains(got, "三") {
			t.Errorf("Text(%q) = %q: the number or the name comes through", in, got)
		}
		if strings.ContainsRune(got, '\u200b') || strings.ContainsRune(got, '\u202e') {
			t.Errorf("Text(%q) = %q: kept an invisible character", in, got)
		}
	}
}
