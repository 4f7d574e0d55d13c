package main

import (
	"fmt"
	"strings"

	"github.com/klachtd/klachtd/store"
)

// cmdAddress sets the complainant's postal address (lines separated by ";"
// or new lines), for letters that go by post.
func cmdAddress(c *call) error {
	ctx, stdout := c.ctx, c.stdout
	pos, err := c.args()
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef(`usage: klachtd address NUMBER "Straat 1; 1234 AB Plaats"`)
	}
	var lines []string
	for _, l := range strings.FieldsFunc(pos[1], func(r rune) bool { return r == ';' || r == '\n' }) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return usagef("the address is empty")
	}
	e, err := c.open()
	if err != nil {
		return err
	}
	defer e.Close()
	err = e.store.Tx(ctx, func(tx *store.Tx) error {
		d, err := dossierNamed(tx, pos[0])
		if err != nil {
			return err
		}
		d.PostalAddress = lines
		if err := tx.UpdateDossier(d); err != nil {
			return err
		}
		return tx.AddEvent(&store.Event{DossierID: d.ID, Actor: "cli", Action: "address", Detail: strings.Join(lines, ", ")})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: postal address set to %s\n", strings.ToUpper(pos[0]), strings.Join(lines, ", "))
	return nil
}
