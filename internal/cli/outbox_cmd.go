package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/config"
	"github.com/jiesu/jiesu/internal/store"
)

// errUsage is a command line that names no command jiesu has.
var errUsage = errors.New("usage")

// outboxFlags are the flags of jiesu outbox. They sit in the one flag set
// with --config, since flags may come anywhere among the words; any other
// command refuses them.
type outboxFlags struct {
	state   *string
	caseRef *string
	since   *string
	allDead *bool
	note    *string
	limit   *int
}

func addOutboxFlags(fs *flag.FlagSet) outboxFlags {
	return outboxFlags{
		state:   fs.String("state", "dead", "outbox list: pending, sending, sent, dead, dropped or all"),
		caseRef: fs.String("case", "", "outbox list: only the messages of this case (number or id)"),
		since:   fs.String("since", "", "outbox list and retry --all-dead: only messages that went dead at or after this (RFC 3339 or YYYY-MM-DD)"),
		allDead: fs.Bool("all-dead", false, "outbox retry: every dead message"),
		note:    fs.String("note", "", "outbox retry and drop: why, for the audit trail"),
		limit:   fs.Int("limit", cases.MaxListLimit, "outbox list: at most this many messages"),
	}
}

// outboxFlagNames are the flags above, for refusing them elsewhere.
var outboxFlagNames = []string{"state", "case", "since", "all-dead", "note", "limit"}

// usedOutboxFlags names the outbox flags set on the command line.
func usedOutboxFlags(fs *flag.FlagSet) []string {
	var used []string
	fs.Visit(func(f *flag.Flag) {
		for _, n := range outboxFlagNames {
			if f.Name == n {
				used = append(used, "--"+n)
			}
		}
	})
	return used
}

// outboxCommand runs jiesu outbox list | retry ID | retry --all-dead | drop ID.
func outboxCommand(ctx context.Context, cfg *config.Config, args []string, f outboxFlags, env Env) error {
	since, err := cases.ParseInstant(*f.since, false)
	if err != nil {
		return fmt.Errorf("--since %q: want RFC 3339 or YYYY-MM-DD", *f.since)
	}
	if ve := cases.CheckText("--note", *f.note, cases.MaxNoteLength); ve != nil {
		return ve
	}
	var id int64
	switch {
	case len(args) == 1 && args[0] == "list":
	case len(args) == 1 && args[0] == "retry" && *f.allDead:
	case len(args) == 2 && (args[0] == "retry" && !*f.allDead || args[0] == "drop"):
		if id, err = strconv.ParseInt(args[1], 10, 64); err != nil || id < 1 {
			return fmt.Errorf("%s: message id %q is not a whole number; jiesu outbox list shows the ids", args[0], args[1])
		}
	default:
		return errUsage
	}
	st, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	act := store.OutboxAct{Actor: cliActor(env), At: time.Now(), Note: *f.note}
	switch args[0] {
	case "list":
		return listOutbox(ctx, st, f, since, env)
	case "drop":
		if err := st.DropOutbox(ctx, id, act); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "dropped message %d\n", id)
		return nil
	}
	if !*f.allDead {
		if err := st.RetryOutbox(ctx, id, act); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "message %d queued again; a running server sends it within outbox.poll_interval\n", id)
		return nil
	}
	ids, err := st.RetryDeadOutbox(ctx, since, act)
	fmt.Fprintf(env.Stdout, "%d dead messages queued again\n", len(ids))
	return err
}

func listOutbox(ctx context.Context, st *store.Store, f outboxFlags, since time.Time, env Env) error {
	filter := store.OutboxFilter{State: cases.OutboxState(*f.state), DeadSince: since, Limit: *f.limit}
	switch {
	case filter.State == "all":
		filter.State = ""
	case !filter.State.Valid():
		return fmt.Errorf("--state %q: want pending, sending, sent, dead, dropped or all", *f.state)
	}
	if *f.limit < 1 || *f.limit > cases.MaxListLimit {
		return fmt.Errorf("--limit %d: want 1 to %d", *f.limit, cases.MaxListLimit)
	}
	if *f.caseRef != "" {
		c, err := st.GetCaseByRef(ctx, *f.caseRef)
		if err != nil {
			return err
		}
		filter.CaseID = c.ID
	}
	items, err := st.FindOutbox(ctx, filter)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tCASE\tTEMPLATE\tTO\tSTATE\tATTEMPTS\tDEAD AT\tLAST ERROR")
	for _, it := range items {
		caseID, deadAt := "-", "-"
		if it.CaseID != 0 {
			caseID = strconv.FormatInt(it.CaseID, 10)
		}
		if !it.DeadAt.IsZero() {
			deadAt = it.DeadAt.In(cases.Shanghai()).Format("2006-01-02 15:04:05")
		}
		// A platform's error text is not ours: quote it, so that a control
		// character or a tab in it cannot rewrite the terminal or the table.
		fmt.Fprintf(w, "%d\t%s\t%s\t%s:%s\t%s\t%d\t%s\t%s\n", it.ID, caseID, it.Template, it.To.Kind, it.To.ID,
			it.State, it.Attempts, deadAt, strconv.QuoteToGraphic(it.LastError))
	}
	return w.Flush()
}

// cliActor names who acted from the command line in the audit trail.
func cliActor(env Env) string {
	if u, ok := env.Lookup("USER"); ok && strings.TrimSpace(u) != "" {
		return "cli:" + strings.TrimSpace(u)
	}
	return "cli"
}
