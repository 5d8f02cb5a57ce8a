-- A pylon-jwt app may accept a second audience: the Pylon widget app id a
-- migrating brand's tokens already name in aud (model.App.AudienceAlias).
ALTER TABLE apps ADD COLUMN audience_alias TEXT NOT NULL DEFAULT '';
