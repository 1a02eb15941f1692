-- Undo V20251228_100000: the public_holidays column of outreach.campaigns and its CHECK.
ALTER TABLE outreach.campaigns DROP COLUMN public_holidays;
