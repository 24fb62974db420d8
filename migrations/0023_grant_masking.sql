-- Masking strategies per field and per grant (脱敏方式; 002 第十一条; GB/T 37964-2019): how each
-- personal-information field a grant does not release in clear leaves the platform, as
-- `{ "<field>": "<spec>" }` — `partial:<head>:<tail>`, `pseudonym:grant`, `pseudonym:platform`,
-- `generalise:<how>`, `truncate:<n>`, `suppress` or `suppress:null`. A masked field not listed
-- keeps the default of its kind of personal information (the partial mask). Null: none chosen.
ALTER TABLE grants ADD COLUMN mask_strategies jsonb;
