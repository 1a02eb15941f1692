-- Undo V20251228_300000: the engine's functions and the daily send counters.
DROP FUNCTION delivery.record_sent(uuid, uuid, uuid, uuid, uuid, timestamptz, uuid, timestamptz);
DROP FUNCTION delivery.write_sending(uuid, uuid, uuid, uuid, uuid, uuid, uuid, text, text, text, text, text, text, text, text, text);
DROP FUNCTION delivery.send_task_context(uuid, uuid);
DROP TABLE delivery.daily_sends;
