-- chameleon.translate_ddl(): what replicated DDL would run for a MySQL statement, without running it.
-- Without a source a schema maps to itself (here `shop`) and no table is known yet.
CREATE EXTENSION chameleon;
\set VERBOSITY terse
SELECT chameleon.translate_ddl($$CREATE TABLE items (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(40) NOT NULL DEFAULT '', price DECIMAL(10,2), kind ENUM('a','b') NOT NULL,
    created DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3), KEY by_name (name(10)))
    ENGINE=InnoDB DEFAULT CHARSET=utf8mb4$$, NULL, 'shop');
-- Several statements, each against what the previous ones left.
SELECT chameleon.translate_ddl($$CREATE TABLE a (id INT PRIMARY KEY); ALTER TABLE a ADD COLUMN note TEXT AFTER id,
    MODIFY id BIGINT; RENAME TABLE a TO b; DROP TABLE b$$, NULL, 'shop');
-- Statements that concern no replicated table are ignored; what cannot be read is refused, with the position.
SELECT chameleon.translate_ddl($$GRANT SELECT ON shop.* TO 'u'@'%'$$, NULL, 'shop');
SELECT chameleon.translate_ddl($$ALTER TABLE unknown_table ADD COLUMN x INT$$, NULL, 'shop');
SELECT chameleon.translate_ddl($$CREATE TABLE broken (id INT,$$, NULL, 'shop');
SELECT chameleon.translate_ddl($$CREATE TABLE other.t (id INT)$$, NULL, 'shop');
-- A source that does not exist.
SELECT chameleon.translate_ddl('CREATE TABLE t (id INT)', 'nosuch');

DROP EXTENSION chameleon;
