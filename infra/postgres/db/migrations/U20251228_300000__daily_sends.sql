-- Undo V20251228_300000: the daily send counters.
DROP TABLE delivery.daily_sends;
