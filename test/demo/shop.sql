-- The demo's source database: a small web shop, generated here so that the demo needs nothing
-- outside the repository. Deterministic (no RAND()): every run starts from the same rows.
--
--   customers    2,000 rows   AUTO_INCREMENT key, unique e-mail, non-ASCII names, DATE, NULLs,
--                             TINYINT(1) (a boolean in PostgreSQL through type_override)
--   products       500 rows   DECIMAL prices, two ENUMs, JSON attributes, TIMESTAMP(3)
--   orders       6,000 rows   BIGINT UNSIGNED key, DATETIME(6), TIMESTAMP (UTC), TEXT, NULLs
--   order_items ~15,000 rows  composite primary key (order_id, line_no)
--   audit_log    4,050 rows   no primary key, and 50 rows that appear twice
--
-- Rows are made from MariaDB's SEQUENCE engine (seq_1_to_N); names and words come from ELT().

CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
USE shop;

CREATE TABLE customers (
    id             INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email          VARCHAR(120) NOT NULL,
    full_name      VARCHAR(100) NOT NULL,
    country        CHAR(2)      NOT NULL,
    birth_date     DATE         NULL,
    is_active      TINYINT(1)   NOT NULL DEFAULT 1,
    loyalty_points INT          NULL,
    created_at     DATETIME     NOT NULL,
    UNIQUE KEY uq_customers_email (email)
) ENGINE = InnoDB;

CREATE TABLE products (
    id         INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sku        VARCHAR(12)  NOT NULL,
    name       VARCHAR(120) NOT NULL,
    category   ENUM('books', 'garden', 'kitchen', 'music', 'toys', 'tools') NOT NULL,
    status     ENUM('active', 'discontinued', 'draft') NOT NULL DEFAULT 'active',
    price      DECIMAL(10, 2) NOT NULL,
    weight_kg  DECIMAL(7, 3)  NULL,
    stock      SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    attributes JSON NULL,
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    UNIQUE KEY uq_products_sku (sku),
    KEY ix_products_category (category, status)
) ENGINE = InnoDB;

CREATE TABLE orders (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id      INT UNSIGNED NOT NULL,
    status           ENUM('new', 'paid', 'shipped', 'delivered', 'cancelled') NOT NULL DEFAULT 'new',
    ordered_at       DATETIME(6)   NOT NULL,
    paid_at          TIMESTAMP     NULL DEFAULT NULL,
    total            DECIMAL(12, 2) NOT NULL DEFAULT 0,
    shipping_address TEXT          NULL,
    note             VARCHAR(255)  NULL,
    KEY ix_orders_customer (customer_id),
    KEY ix_orders_status (status, ordered_at),
    CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE = InnoDB;

CREATE TABLE order_items (
    order_id     BIGINT UNSIGNED NOT NULL,
    line_no      TINYINT UNSIGNED NOT NULL,
    product_id   INT NOT NULL,
    quantity     SMALLINT NOT NULL,
    unit_price   DECIMAL(10, 2) NOT NULL,
    discount_pct DECIMAL(5, 2) NULL,
    PRIMARY KEY (order_id, line_no),
    KEY ix_order_items_product (product_id),
    CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT fk_order_items_product FOREIGN KEY (product_id) REFERENCES products (id)
) ENGINE = InnoDB;

-- An append-mostly event log, as many applications have: no primary key at all.
CREATE TABLE audit_log (
    logged_at DATETIME(6) NOT NULL,
    actor     VARCHAR(40) NOT NULL,
    action    ENUM('insert', 'update', 'delete', 'login', 'export') NOT NULL,
    entity    VARCHAR(30) NOT NULL,
    entity_id BIGINT NULL,
    detail    VARCHAR(200) NULL,
    KEY ix_audit_log_time (logged_at)
) ENGINE = InnoDB;

INSERT INTO customers (id, email, full_name, country, birth_date, is_active, loyalty_points, created_at)
SELECT s.seq,
       CONCAT('customer', s.seq, '@example.', ELT(1 + s.seq % 4, 'com', 'org', 'de', 'fr')),
       CONCAT(ELT(1 + s.seq % 16, 'José', 'Zoë', 'François', 'Øystein', 'Björn', 'Łukasz', 'Ana', 'Mei',
                  '美咲', 'Ngozi', 'Dmitri', 'Saoirse', 'Chloé', 'Jürgen', 'Ayşe', 'Sigríður'),
              ' ',
              ELT(1 + (s.seq * 7) % 15, 'García', 'Müller', 'Nguyễn', 'O''Brien', 'Dvořák', 'Smith', '田中',
                  'Kowalski', 'Rossi', 'Öztürk', 'Håkansson', 'Пушкина', 'Papadopoulos', 'Okafor', 'Leclerc')),
       ELT(1 + (s.seq * 3) % 10, 'FR', 'DE', 'ES', 'IT', 'GB', 'US', 'JP', 'BR', 'NG', 'PL'),
       IF(s.seq % 9 = 0, NULL, DATE '1950-01-01' + INTERVAL (s.seq * 37) % 18000 DAY),
       s.seq % 13 <> 0,
       IF(s.seq % 5 = 0, NULL, (s.seq * 97) % 5000),
       TIMESTAMP '2022-01-01 08:00:00' + INTERVAL s.seq * 12713 SECOND
  FROM seq_1_to_2000 s;

INSERT INTO products (id, sku, name, category, status, price, weight_kg, stock, attributes, updated_at)
SELECT s.seq,
       CONCAT('SKU-', LPAD(s.seq, 6, '0')),
       CONCAT(ELT(1 + s.seq % 8, 'Classic', 'Deluxe', 'Compact', 'Crème', 'Smørrebrød', 'Über', 'Café', 'Rustic'), ' ',
              ELT(1 + (s.seq * 5) % 6, 'notebook', 'watering can', 'chef''s knife', 'vinyl record', 'puzzle', 'screwdriver'),
              ' n°', s.seq),
       ELT(1 + (s.seq * 5) % 6, 'books', 'garden', 'kitchen', 'music', 'toys', 'tools'),
       CASE WHEN s.seq % 23 = 0 THEN 'discontinued' WHEN s.seq % 31 = 0 THEN 'draft' ELSE 'active' END,
       1.99 + (s.seq * 7919) % 20000 / 100,
       IF(s.seq % 11 = 0, NULL, 0.05 + (s.seq * 131) % 25000 / 1000),
       (s.seq * 17) % 400,
       IF(s.seq % 17 = 0, NULL,
          JSON_OBJECT('color', ELT(1 + s.seq % 5, 'red', 'green', 'blue', 'black', 'naturel'),
                      'tags', JSON_ARRAY(ELT(1 + s.seq % 3, 'new', 'sale', 'gift'), ELT(1 + s.seq % 4, 'eco', 'fragile', 'bulky', 'été')),
                      'dimensions_cm', JSON_OBJECT('w', 5 + s.seq % 40, 'h', 2.5 + s.seq % 30),
                      'fragile', JSON_EXTRACT(IF(s.seq % 6 = 0, 'true', 'false'), '$'),
                      'rating', IF(s.seq % 7 = 0, NULL, 1 + (s.seq * 3) % 41 / 10))),
       TIMESTAMP '2024-03-01 12:00:00.000' + INTERVAL s.seq * 3517123 MICROSECOND
  FROM seq_1_to_500 s;

INSERT INTO orders (id, customer_id, status, ordered_at, paid_at, total, shipping_address, note)
SELECT s.seq,
       1 + (s.seq * 7) % 2000,
       CASE WHEN s.seq % 29 = 0 THEN 'cancelled'
            WHEN s.seq <= 5000 THEN 'delivered'
            WHEN s.seq <= 5600 THEN 'shipped'
            WHEN s.seq <= 5900 THEN 'paid'
            ELSE 'new' END,
       TIMESTAMP '2023-01-01 00:00:00' + INTERVAL s.seq * 4391 SECOND + INTERVAL (s.seq * 123457) % 1000000 MICROSECOND,
       IF(s.seq % 29 = 0 OR s.seq > 5900, NULL,
          TIMESTAMP '2023-01-01 00:00:00' + INTERVAL s.seq * 4391 + 600 + s.seq % 3000 SECOND),
       0,
       CONCAT(1 + s.seq % 200, ' ', ELT(1 + s.seq % 6, 'rue de la Paix', 'Hauptstraße', 'Calle Mayor', 'Via Roma',
              'High Street', 'ul. Długa'), '\n', ELT(1 + s.seq % 6, 'Paris', 'München', 'Madrid', 'Roma', 'London', 'Gdańsk')),
       CASE WHEN s.seq % 41 = 0 THEN 'leave at the door, "please"' WHEN s.seq % 43 = 0 THEN 'gift wrap – no prices' END
  FROM seq_1_to_6000 s;

INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price, discount_pct)
SELECT o.seq, l.seq, p.id, 1 + (o.seq * l.seq) % 5, p.price, IF((o.seq + l.seq) % 7 = 0, 10.00, NULL)
  FROM seq_1_to_6000 o
  JOIN seq_1_to_4 l ON l.seq <= 1 + (o.seq * 31) % 4
  JOIN products p ON p.id = 1 + (o.seq * 13 + l.seq * 101) % 500;

UPDATE orders o
  JOIN (SELECT order_id, SUM(ROUND(quantity * unit_price * (100 - IFNULL(discount_pct, 0)) / 100, 2)) AS total
          FROM order_items GROUP BY order_id) t ON t.order_id = o.id
   SET o.total = t.total;

INSERT INTO audit_log (logged_at, actor, action, entity, entity_id, detail)
SELECT TIMESTAMP '2024-01-01 00:00:00' + INTERVAL s.seq * 613 SECOND + INTERVAL (s.seq * 7777) % 1000000 MICROSECOND,
       ELT(1 + s.seq % 4, 'alice', 'bob', 'système', 'backoffice'),
       ELT(1 + s.seq % 5, 'insert', 'update', 'delete', 'login', 'export'),
       ELT(1 + s.seq % 3, 'order', 'customer', 'product'),
       IF(s.seq % 5 = 3, NULL, 1 + (s.seq * 11) % 6000),
       IF(s.seq % 4 = 0, NULL, CONCAT('event #', s.seq))
  FROM seq_1_to_4000 s;

-- Some rows are logged twice, as happens without a key: replication must keep both copies.
INSERT INTO audit_log SELECT * FROM audit_log WHERE actor = 'backoffice' ORDER BY logged_at LIMIT 50;

ANALYZE TABLE customers, products, orders, order_items, audit_log;
