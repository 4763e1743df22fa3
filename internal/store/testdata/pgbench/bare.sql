-- The bare single-row INSERT the API is compared with (BenchmarkBareInsert).
-- Needs: CREATE TABLE bare (id bigserial PRIMARY KEY, body text NOT NULL);
INSERT INTO bare (body) VALUES ('学生公寓3号楼没有热水');
