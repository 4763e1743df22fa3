// Package sla is the clockwork that makes the policy's deadlines bite: a
// scheduler that runs sweep jobs on a cron (robfig/cron) across replicas,
// the escalation sweep that reminds units before their deadlines and
// pushes late or unaccepted cases up the chain, and the notices of
// incidents (open cases about one thing at one place, handled as one).
//
// The sweep derives what is due from each case's state and its own
// deadlines at the moment it runs: nothing is scheduled per case, so an
// approved extension, a return and re-dispatch, a reopening or a merge
// changes what is due without anyone rescheduling anything. When each
// step is due is the domain's answer (cases.StepTime, beside the case's
// deadlines); the sweep only asks it. The store keeps a cursor per case
// (the time of its next step, made stale by the store in the statement
// that changes the case) so that a sweep reads only the cases that are
// due, never the closed ones.
//
// Exactly once. A step is claimed by inserting its key (case, dispatch,
// tier, at, if) into sla_marks in the transaction that queues its
// messages and appends its event, so two sweeps racing on one PostgreSQL
// send it once, and a crash leaves it either wholly sent or not at all. A
// lease per job keeps the racing rare: one replica sweeps at a time. The
// outbox then delivers at least once with leases of its own; where a
// platform offers a dedup key (WeCom app messages' duplicate check,
// DingTalk's msgUuid) the message's key goes with it, so a send that
// reached the platform just before its replica died is not shown twice.
// The WeCom group robot offers none: a robot message can, in that one
// case, be shown twice.
package sla
