-- Undo V20251223_125657: drops the tracking tables and functions, in reverse order.
DROP TABLE tracking.message_open_stats;
DROP TABLE tracking.pixels;
DROP FUNCTION tracking.pixels_set_token();
DROP FUNCTION tracking.token_organisation_id(text);
