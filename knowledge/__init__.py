"""The consumer-rights knowledge base (消费维权知识库): articles admins write and the menu's
`knowledge` answers, searched from the operators' desk and counted when a consultation is
answered with one."""
