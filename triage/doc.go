// Package triage reads an incoming human message and answers two questions
// without any I/O: is it a complaint in the sense of the procedure ("klacht":
// any written or spoken expression of dissatisfaction about the service, the
// invoice or the treatment), and in which of the organisation's languages is
// it written. The complaint rules are readable tables of weighted phrases
// (rules.go) whose sum gives Complaint, Doubt or NotComplaint; docs/triage.md
// explains them and their measured precision and recall.
package triage
