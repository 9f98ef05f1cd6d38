"""What every lab's checks share: remote values, validation, comparison, messages."""
