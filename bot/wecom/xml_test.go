package wecom

import (
	"testing"

	v "github.com/jiesu/jiesu/bot/tencent/tencenttest"
)

// The official vector's message, once bot/tencent has opened it.
func TestOfficialVectorParses(t *testing.T) {
	t.Parallel()
	msg, err := parseMessage([]byte(v.WeComMsgPlain))
	if err != nil || msg.FromUserName != "mycreate" || msg.Content != "hello" || msg.MsgID != "4561255354251345929" || msg.AgentID != "218" {
		t.Fatalf("parsed = %+v, %v", msg, err)
	}
}
