-- The pseudonyms of the anonymisation gate (000 第十九条) no longer rest on the database alone: the
-- random value kept with each plan was the HMAC-SM3 key itself, so a copy of the database could
-- recompute a person's pseudonym from an ID number. The key is now derived from the platform's
-- secret (GONGSHU_HMAC_KEY), the entry and this value, which becomes a per-plan nonce: changing it
-- re-keys the entry. Pseudonyms published before this migration differ from those served after it.
ALTER TABLE opening_gate_plans RENAME COLUMN pseudonym_key TO pseudonym_nonce;
COMMENT ON COLUMN opening_gate_plans.pseudonym_nonce IS
  'Per-plan nonce of the entry''s pseudonyms (hex). Not a key on its own: the HMAC-SM3 key is derived from the platform secret, the entry id and this nonce. Change it to re-key the entry.';
