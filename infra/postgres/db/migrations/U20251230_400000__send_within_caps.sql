-- Undo V20251230_400000: the engine's one-statement caps check, write and count of a send.
DROP FUNCTION delivery.write_sending_within_caps(uuid, uuid, uuid, uuid, uuid, uuid, uuid, text, text, text, text, text, text, text, text, text, uuid, date, smallint, integer, integer, integer, integer, timestamptz);
