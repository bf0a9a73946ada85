-- The dispatcher holds a chat's later items behind one waiting for its retry, with one
-- statement over that chat's pending items: this index finds them.
CREATE INDEX outbox_pending_by_target ON outbox (target, id) WHERE state = 'pending';
