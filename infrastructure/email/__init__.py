"""Email adapters behind `domain.email.EmailSender`: a file outbox and Resend."""
