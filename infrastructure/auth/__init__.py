"""Authentication adapters: wallet-signature proofs (`proofs`), Turnstile check (`turnstile`)."""
