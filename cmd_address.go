package main

import (
	"fmt"
	"strings"

	"github.com/klachtd/klachtd/store"
)

// cmdAddress sets the complainant's postal address (lines separated by ";"
// or new lines), for letters that go by post.
func cmdAddress(c *call) error {
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
	err = c.changeDossier(pos[0], func(tx *store.Tx, d *store.Dossier) error {
		d.PostalAddress = lines
		if err := tx.UpdateDossier(d); err != nil {
			return err
		}
		return tx.AddEvent(&store.Event{DossierID: d.ID, Actor: "cli", Action: "address", Detail: strings.Join(lines, ", ")})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: postal address set to %s\n", strings.ToUpper(pos[0]), strings.Join(lines, ", "))
	return nil
}
