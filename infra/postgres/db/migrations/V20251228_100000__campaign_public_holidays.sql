-- outreach.campaigns.public_holidays: the public-holiday calendar a campaign skips (no e-mail is
-- sent on those local days), as a date-holidays code: a country ('FR') or a country and one of
-- its subdivisions ('FR-57', Moselle, which adds Good Friday and 26 December). NULL sends on
-- holidays too. The shape is checked here; that date-holidays knows the code is checked by the
-- api (@outreach/sequencing holidayCodeProblem), since the calendar lives in that library.
ALTER TABLE outreach.campaigns
  ADD COLUMN public_holidays text,
  ADD CONSTRAINT campaigns_public_holidays_check
    CHECK (public_holidays ~ '^[A-Z]{2}(-[A-Z0-9]{1,3})?$');
COMMENT ON COLUMN outreach.campaigns.public_holidays IS
  'Public holidays to skip: a date-holidays code, country or country-subdivision (FR, FR-57); NULL = send on holidays.';
