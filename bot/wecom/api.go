package wecom

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// SendResponse is message/send's answer (doc 90236).
type SendResponse struct {
	InvalidUser  string `json:"invaliduser"`
	InvalidParty string `json:"invalidparty"`
	InvalidTag   string `json:"invalidtag"`
	MsgID        string `json:"msgid"`
	// ResponseCode updates the card later (update_template_card); good
	// for one use within 72 hours.
	ResponseCode string `json:"response_code"`
}

// SendMessage sends an app message (text, markdown, template_card) to
// members, departments or tags.
func (c *Client) SendMessage(ctx context.Context, m AppMessage) (SendResponse, error) {
	m.AgentID = c.agentID
	var out SendResponse
	err := c.call(ctx, "message/send", http.MethodPost, nil, m, &out)
	return out, err
}

// UpdateCard is update_template_card's request (doc 94888): the button of
// every copy (AtAll) or of the listed members' copies is replaced.
type UpdateCard struct {
	UserIDs      []string      `json:"userids,omitempty"`
	PartyIDs     []int64       `json:"partyids,omitempty"`
	TagIDs       []int64       `json:"tagids,omitempty"`
	AtAll        int           `json:"atall,omitempty"`
	AgentID      int64         `json:"agentid"`
	ResponseCode string        `json:"response_code"`
	Button       *UpdateButton `json:"button,omitempty"`
}

// UpdateButton replaces a card's buttons by one inactive button.
type UpdateButton struct {
	ReplaceName string `json:"replace_name"`
}

// UpdateTemplateCard updates sent cards.
func (c *Client) UpdateTemplateCard(ctx context.Context, u UpdateCard) error {
	u.AgentID = c.agentID
	return c.call(ctx, "message/update_template_card", http.MethodPost, nil, u, nil)
}

// RobotSend posts to a group through its robot (doc 91770). It needs no
// token: the key is the credential, and never appears in an error. It
// leaves Health alone: a robot that posts says nothing about the app's
// trusted IP or secret.
func (c *Client) RobotSend(ctx context.Context, key string, m RobotMessage) error {
	return c.api.Do(ctx, "webhook/send", http.MethodPost, "/cgi-bin/webhook/send", url.Values{"key": {key}}, m, nil)
}

// User is a member as user/get gives them. Since 2022 a new app gets no
// phone, mail or avatar; department and name are what jiesu uses.
type User struct {
	UserID         string  `json:"userid"`
	Name           string  `json:"name"`
	Department     []int64 `json:"department"`
	MainDepartment int64   `json:"main_department"`
	Status         int     `json:"status"`
}

// UserGet reads a member of the address book.
func (c *Client) UserGet(ctx context.Context, userID string) (User, error) {
	var out User
	err := c.call(ctx, "user/get", http.MethodGet, url.Values{"userid": {userID}}, nil, &out)
	return out, err
}

// Department is one entry of department/list.
type Department struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	ParentID int64  `json:"parentid"`
}

// DepartmentList returns department id and every department below it.
func (c *Client) DepartmentList(ctx context.Context, id int64) ([]Department, error) {
	var out struct {
		Department []Department `json:"department"`
	}
	q := url.Values{"id": {strconv.FormatInt(id, 10)}}
	err := c.call(ctx, "department/list", http.MethodGet, q, nil, &out)
	return out.Department, err
}

// UserIDByCode exchanges an OAuth code (single use, 5 minutes) for the
// member's user id (auth/getuserinfo). A visitor outside the corp has no
// user id: ErrNotMember.
func (c *Client) UserIDByCode(ctx context.Context, code string) (string, error) {
	var out struct {
		UserID    string `json:"userid"`
		OldUserID string `json:"UserId"` // the pre-2022 spelling, still seen on private deployments
	}
	if err := c.call(ctx, "auth/getuserinfo", http.MethodGet, url.Values{"code": {code}}, nil, &out); err != nil {
		return "", err
	}
	if out.UserID == "" {
		out.UserID = out.OldUserID
	}
	if out.UserID == "" {
		return "", ErrNotMember
	}
	return out.UserID, nil
}
