package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/klachtd/klachtd/store"
)

// letterKinds are the letters `pdf` can print, with their Dutch names.
var letterKinds = map[string]string{
	"acknowledgement": "acknowledgement", "ontvangstbevestiging": "acknowledgement",
	"delay": "delay", "uitstel": "delay",
	"decision": "decision", "beslissing": "decision",
	"rejection": "rejection", "afwijzing": "rejection",
	"closing": "closing", "afsluiting": "closing",
	"hearing": "hearing", "hoorverzoek": "hearing",
	"dossier": "dossier",
}

// cmdPDF writes the PDF of the latest letter of a kind. Letters are stored
// as sent, so a reprint is byte-identical to the original.
func cmdPDF(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("pdf", stderr)
	outFile := fs.String("o", "", "output `file` (default NUMBER-KIND.pdf; - for standard output)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("usage: klachtd pdf NUMBER KIND [-o FILE]; KIND is acknowledgement, delay, decision, rejection, closing, hearing or dossier")
	}
	number := strings.ToUpper(pos[0])
	kind, ok := letterKinds[strings.ToLower(pos[1])]
	if !ok {
		return usagef("unknown letter kind %q: use acknowledgement, delay, decision, rejection, closing, hearing or dossier", pos[1])
	}
	e, err := open(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	name := *outFile
	if name == "" {
		name = fmt.Sprintf("%s-%s.pdf", number, kind)
	}
	if kind == "dossier" {
		// The dossier is rendered as it stands now, not stored.
		d, err := e.newDaemon()
		if err != nil {
			return err
		}
		r, err := d.DossierPDF(ctx, number)
		if errors.Is(err, store.ErrNotFound) {
			return usagef("no dossier %s", number)
		}
		if err != nil {
			return err
		}
		return writePDF(stdout, name, r.PDF)
	}
	var letter, unrendered *store.Letter
	err = e.store.View(ctx, func(tx *store.Tx) error {
		d, err := tx.Dossier(number)
		if errors.Is(err, store.ErrNotFound) {
			return usagef("no dossier %s", number)
		}
		if err != nil {
			return err
		}
		ls, err := tx.Letters(d.ID)
		if err != nil {
			return err
		}
		for _, l := range ls {
			if l.Kind != kind {
				continue
			}
			if l.PDFPath != "" {
				letter = l
			} else if l.RenderError != "" {
				unrendered = l
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if letter == nil && unrendered != nil {
		return fmt.Errorf("the %s letter of %s could not be made (%s); it is made again when klachtd run or once starts", kind, number, unrendered.RenderError)
	}
	if letter == nil {
		return fmt.Errorf("dossier %s has no %s letter", number, kind)
	}
	pdf, err := e.store.ReadFile(letter.PDFPath)
	if err != nil {
		return err
	}
	return writePDF(stdout, name, pdf)
}

// writePDF writes a PDF to a file (0600), or to stdout for "-".
func writePDF(stdout io.Writer, name string, pdf []byte) error {
	if name == "-" {
		_, err := stdout.Write(pdf)
		return err
	}
	if err := os.WriteFile(name, pdf, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	fmt.Fprintf(stdout, "%s\n", name)
	return nil
}
