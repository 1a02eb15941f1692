-- Undo V20251228_300000: the engine's task context function and the daily send counters.
DROP FUNCTION delivery.send_task_context(uuid, uuid);
DROP TABLE delivery.daily_sends;
