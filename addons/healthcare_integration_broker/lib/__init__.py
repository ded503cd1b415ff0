"""Database-free RabbitMQ publishing and consuming (pika)."""
