"""The operators' live-call desk: presence and state, the screen pop of the caller an operator
takes, tickets registered during the call or from letters and visits, consultations answered
from the knowledge base, after-call work, the supervisors' wall board and the quality review
(质检) of recorded calls."""
