package mailbox

import (
	"context"
	"errors"

	"github.com/emersion/go-imap/v2"
)

// What `klachtd check` needs besides intake: the processed folder and the
// plus-addressing probe.

// FolderExists reports whether folder exists (LIST).
func (c *Client) FolderExists(folder string) (bool, error) {
	c.op.Lock()
	defer c.op.Unlock()
	var found bool
	err := c.do(context.Background(), "LIST", func() error {
		list, err := c.c.List("", folder, nil).Collect()
		found = len(list) > 0
		return err
	})
	return found, err
}

// CreateFolder creates and subscribes folder, as Move does when the
// folder is missing; an existing folder is fine.
func (c *Client) CreateFolder(folder string) error {
	c.op.Lock()
	defer c.op.Unlock()
	return c.createFolder(folder)
}

// SearchMessageID returns the UIDs of the selected folder's messages with
// that Message-ID (without angle brackets).
func (c *Client) SearchMessageID(id string) ([]uint32, error) {
	c.op.Lock()
	defer c.op.Unlock()
	var uids []uint32
	err := c.do(context.Background(), "UID SEARCH", func() error {
		data, err := c.c.UIDSearch(&imap.SearchCriteria{
			Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}},
		}, nil).Wait()
		if err != nil {
			return err
		}
		for _, u := range data.AllUIDs() {
			uids = append(uids, uint32(u))
		}
		return nil
	})
	return uids, err
}

// Delete removes messages of the selected folder for good (\Deleted, then
// UID EXPUNGE where the server has UIDPLUS).
func (c *Client) Delete(uids []uint32) error {
	if len(uids) == 0 {
		return nil
	}
	if !c.hasUIDPlus {
		// A plain EXPUNGE would also remove what others marked deleted.
		return errors.New("imap: the server has no UIDPLUS; leaving the message for a person to delete")
	}
	c.op.Lock()
	defer c.op.Unlock()
	set := make([]imap.UID, len(uids))
	for i, u := range uids {
		set[i] = imap.UID(u)
	}
	s := imap.UIDSetNum(set...)
	if err := c.do(context.Background(), "UID STORE", func() error {
		return c.c.Store(s, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close()
	}); err != nil {
		return err
	}
	return c.do(context.Background(), "UID EXPUNGE", func() error {
		seqs, err := c.c.UIDExpunge(s).Collect()
		c.mu.Lock()
		c.count -= min(c.count, uint32(len(seqs)))
		c.mu.Unlock()
		return err
	})
}
