-- The demo's live workload on the shop database (shop.sql), as a stored procedure so that it runs
-- in one MariaDB session at a steady pace. It lives in its own database, shop_workload, which is
-- not replicated.
--
--   CALL shop_workload.run(seconds, pause_ms);
--
-- Each tick (then a pause of pause_ms):
--   every tick   a customer places an order: one transaction inserting the order and its 1-4 lines,
--                computing the total, taking the stock and writing an audit_log row
--   every 2nd    the oldest new order is paid (UPDATE, TIMESTAMP set)
--   every 3rd    the oldest paid order ships, the two oldest shipped ones are delivered
--   every 4th    the same audit event is logged twice (duplicate rows in a table without a key);
--                later one copy of such a pair is updated, and one copy is deleted (... LIMIT 1)
--   every 5th    the newest new order is cancelled: its lines deleted, its status changed
--   every 7th    ten products get a new price and a JSON_SET on their attributes
--   every 11th   a new customer signs up; the previous new one gets a new primary key
--   every 13th   the lines of an old order are renumbered (composite primary key change)
--   every 17th   a transaction of three statements is rolled back
--   every 19th   twenty customers: loyalty points set or cleared (NULL), is_active toggled
--   every 50th   a bulk statement: restock a whole category (~80 rows), purge 20 old log rows
-- and returns what it committed: ticks, transactions, rolled-back transactions and row changes.

CREATE DATABASE shop_workload;
USE shop_workload;

DELIMITER //
CREATE PROCEDURE run(IN seconds INT, IN pause_ms INT)
BEGIN
    DECLARE stop_at DATETIME(6) DEFAULT NOW(6) + INTERVAL seconds SECOND;
    DECLARE tick INT DEFAULT 0;
    DECLARE committed INT DEFAULT 0;
    DECLARE rolled_back INT DEFAULT 0;
    DECLARE changes INT DEFAULT 0;
    DECLARE v_order BIGINT UNSIGNED;
    DECLARE v_lines INT;

    WHILE NOW(6) < stop_at DO
        SET tick = tick + 1;

        START TRANSACTION;
        INSERT INTO shop.orders (customer_id, status, ordered_at, shipping_address)
        SELECT id, 'new', NOW(6), CONCAT(tick, ' Live Street\nDemo City') FROM shop.customers
         WHERE id >= 1 + (tick * 37) % 2000 ORDER BY id LIMIT 1;
        SET changes = changes + ROW_COUNT();
        SET v_order = LAST_INSERT_ID();
        SET v_lines = 1 + tick % 4;
        INSERT INTO shop.order_items (order_id, line_no, product_id, quantity, unit_price, discount_pct)
        SELECT v_order, l.seq, p.id, 1 + (tick + l.seq) % 3, p.price, IF(l.seq = 3, 5.00, NULL)
          FROM seq_1_to_4 l JOIN shop.products p ON p.id = 1 + (tick * 7 + l.seq * 53) % 500
         WHERE l.seq <= v_lines;
        SET changes = changes + ROW_COUNT();
        UPDATE shop.orders
           SET total = (SELECT SUM(ROUND(quantity * unit_price * (100 - IFNULL(discount_pct, 0)) / 100, 2))
                          FROM shop.order_items WHERE order_id = v_order)
         WHERE id = v_order;
        SET changes = changes + ROW_COUNT();
        UPDATE shop.products p JOIN shop.order_items i ON i.product_id = p.id AND i.order_id = v_order
           SET p.stock = IF(p.stock >= i.quantity, p.stock - i.quantity, 500);
        SET changes = changes + ROW_COUNT();
        INSERT INTO shop.audit_log VALUES (NOW(6), 'webshop', 'insert', 'order', v_order,
                                           CONCAT('order placed, ', v_lines, ' line(s)'));
        SET changes = changes + ROW_COUNT();
        COMMIT;
        SET committed = committed + 1;

        IF tick % 2 = 0 THEN
            UPDATE shop.orders SET status = 'paid', paid_at = NOW() WHERE status = 'new' ORDER BY id LIMIT 1;
            SET changes = changes + ROW_COUNT(), committed = committed + 1;
        END IF;

        IF tick % 3 = 0 THEN
            UPDATE shop.orders SET status = 'shipped' WHERE status = 'paid' ORDER BY id LIMIT 1;
            SET changes = changes + ROW_COUNT(), committed = committed + 1;
            UPDATE shop.orders SET status = 'delivered', note = CONCAT_WS(' / ', note, 'delivered')
             WHERE status = 'shipped' ORDER BY id LIMIT 2;
            SET changes = changes + ROW_COUNT(), committed = committed + 1;
        END IF;

        IF tick % 4 = 0 THEN
            INSERT INTO shop.audit_log VALUES
                (TIMESTAMP '2024-06-01 00:00:00' + INTERVAL tick SECOND, 'système', 'login', 'customer', tick, 'login from 192.0.2.7'),
                (TIMESTAMP '2024-06-01 00:00:00' + INTERVAL tick SECOND, 'système', 'login', 'customer', tick, 'login from 192.0.2.7');
            SET changes = changes + ROW_COUNT(), committed = committed + 1;
            UPDATE shop.audit_log SET detail = 'login from 192.0.2.7 (reviewed)'
             WHERE entity_id = tick - 8 AND detail = 'login from 192.0.2.7' LIMIT 1;
            SET changes = changes + ROW_COUNT(), committed = committed + 1;
            IF tick % 12 = 0 THEN
                DELETE FROM shop.audit_log WHERE entity_id = tick - 12 AND actor = 'système' AND action = 'login' LIMIT 1;
                SET changes = changes + ROW_COUNT(), committed = committed + 1;
            END IF;
        END IF;

        IF tick % 5 = 0 THEN
            START TRANSACTION;
            SET v_order = (SELECT id FROM shop.orders WHERE status = 'new' ORDER BY id DESC LIMIT 1);
            DELETE FROM shop.order_items WHERE order_id = v_order;
            SET changes = changes + ROW_COUNT();
            UPDATE shop.orders SET status = 'cancelled', total = 0, note = 'cancelled by the customer' WHERE id = v_order;
            SET changes = changes + ROW_COUNT();
            INSERT INTO shop.audit_log VALUES (NOW(6), 'webshop', 'update', 'order', v_order, 'cancelled');
            SET changes = changes + ROW_COUNT();
            COMMIT;
            SET committed = committed + 1;
        END IF;

        IF tick % 7 = 0 THEN
            UPDATE shop.products
               SET price = ROUND(price * 1.03, 2),
                   attributes = JSON_SET(IFNULL(attributes, '{}'), '$.promo', 'printemps',
                                         '$.price_changes', IFNULL(JSON_VALUE(attributes, '$.price_changes'), 0) + 1)
             WHERE id % 50 = tick % 50;
            SET changes = changes + ROW_COUNT(), committed = committed + 1;
        END IF;

        IF tick % 11 = 0 THEN
            INSERT INTO shop.customers (id, email, full_name, country, birth_date, is_active, loyalty_points, created_at)
            VALUES (10000 + tick, CONCAT('live', tick, '@example.net'),
                    ELT(1 + tick % 4, 'Zoé Lefèvre', 'Ólafur Arnalds', 'Ngũgĩ wa Thiong''o', '李娜'),
                    ELT(1 + tick % 4, 'FR', 'IS', 'KE', 'CN'), NULL, 1, 0, NOW());
            SET changes = changes + ROW_COUNT(), committed = committed + 1;
            UPDATE shop.customers SET id = id + 100000 WHERE id = 10000 + tick - 11;
            SET changes = changes + ROW_COUNT(), committed = committed + 1;
        END IF;

        IF tick % 13 = 0 THEN
            UPDATE shop.order_items SET line_no = line_no + 10 WHERE order_id = 1 + (tick * 17) % 5000;
            SET changes = changes + ROW_COUNT(), committed = committed + 1;
        END IF;

        IF tick % 17 = 0 THEN
            START TRANSACTION;
            INSERT INTO shop.orders (customer_id, status, ordered_at, note) VALUES (1, 'new', NOW(6), 'never committed');
            UPDATE shop.products SET price = 0 WHERE id <= 100;
            DELETE FROM shop.audit_log WHERE actor = 'alice' LIMIT 100;
            ROLLBACK;
            SET rolled_back = rolled_back + 1;
        END IF;

        IF tick % 19 = 0 THEN
            UPDATE shop.customers SET loyalty_points = IF(loyalty_points IS NULL, 10 * tick, NULL), is_active = NOT is_active
             WHERE id % 100 = tick % 100;
            SET changes = changes + ROW_COUNT(), committed = committed + 1;
        END IF;

        IF tick % 50 = 0 THEN
            UPDATE shop.products SET stock = stock + 100 WHERE category = ELT(1 + tick / 50 % 6, 'books', 'garden', 'kitchen', 'music', 'toys', 'tools');
            SET changes = changes + ROW_COUNT(), committed = committed + 1;
            DELETE FROM shop.audit_log WHERE actor = 'bob' ORDER BY logged_at LIMIT 20;
            SET changes = changes + ROW_COUNT(), committed = committed + 1;
        END IF;

        DO SLEEP(pause_ms / 1000);
    END WHILE;

    SELECT tick AS ticks, committed AS transactions, rolled_back AS `rolled back`, changes AS `row changes`;
END//
DELIMITER ;
